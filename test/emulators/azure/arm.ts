/**
 * Azure Resource Manager as a service family: bearer-token check, `api-version` check, ARM's
 * error envelope and the headers every ARM answer carries (`x-ms-request-id`,
 * `x-ms-correlation-request-id`, `x-ms-ratelimit-remaining-subscription-reads|writes`, …).
 * Resource providers (ACR today; ACI and others later) only add routes.
 */
import { armError, armFault, authErrors, missingApiVersion, resourceGroupNotFound, subscriptionNotFound, unsupportedApiVersion } from './arm-errors.ts';
import type { FamilyPolicy } from './family.ts';
import { withHeaders } from './family.ts';
import type { Reply } from './http.ts';
import type { EntraIdentity } from './identity.ts';
import { guid } from './ids.ts';
import { Router } from './router.ts';
import type { Route, RouteContext } from './router.ts';

/**
 * Start values of ARM's per-subscription request budgets (reads and writes per hour), reported in
 * `x-ms-ratelimit-remaining-subscription-reads|writes` (learn.microsoft.com/azure/azure-resource-manager/
 * management/request-limits-and-throttling; the per-hour figures are the classic limits there).
 */
const READ_BUDGET = 12_000;
const WRITE_BUDGET = 1_200;

/**
 * The subscriptions and resource groups that exist. Providers register theirs when a test
 * declares a resource, so unknown ones get ARM's `SubscriptionNotFound` / `ResourceGroupNotFound`.
 */
export class ArmScopes {
  /** subscription (lower case) → resource group (lower case) → location */
  readonly #groups = new Map<string, Map<string, string>>();

  /** Declares a subscription and resource group (idempotent). */
  add(subscriptionId: string, resourceGroup: string, location: string): void {
    const groups = this.#groups.get(subscriptionId.toLowerCase()) ?? new Map<string, string>();
    this.#groups.set(subscriptionId.toLowerCase(), groups);
    if (!groups.has(resourceGroup.toLowerCase())) groups.set(resourceGroup.toLowerCase(), location);
  }

  /** ARM's 404 when the subscription or resource group does not exist; `undefined` when they do. */
  check(subscriptionId: string, resourceGroup?: string): Reply | undefined {
    const groups = this.#groups.get(subscriptionId.toLowerCase());
    if (!groups) return subscriptionNotFound(subscriptionId);
    if (resourceGroup !== undefined && !groups.has(resourceGroup.toLowerCase())) return resourceGroupNotFound(resourceGroup);
    return undefined;
  }

  /** The resource group's location, `eastus` when unknown. */
  location(subscriptionId: string, resourceGroup: string | undefined): string {
    return this.#groups.get(subscriptionId.toLowerCase())?.get((resourceGroup ?? '').toLowerCase()) ?? 'eastus';
  }
}

function subscriptionOf(path: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
}

function resourceGroupOf(path: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(path)?.[1];
}

/** `registries/runs` for `…/providers/Microsoft.ContainerRegistry/registries/r/runs/ca1`. */
function resourceTypeOf(path: string): { namespace: string; type: string } {
  const m = /\/providers\/([^/]+)\/(.+)$/i.exec(path);
  if (!m) return { namespace: '', type: '' };
  const parts = m[2]!.split('/').filter((_, i) => i % 2 === 0);
  return { namespace: m[1]!, type: parts.join('/') };
}

function acceptsVersion(accepted: readonly string[] | RegExp, version: string): boolean {
  return accepted instanceof RegExp ? accepted.test(version) : accepted.includes(version);
}

function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** ARM routes: everything under `/subscriptions/` and `/providers/`. */
export function armFamily(identity: EntraIdentity, scopes: ArmScopes, baseUrl: string): FamilyPolicy & { resetBudgets(): void } {
  const router = new Router();
  const budgets = new Map<string, { reads: number; writes: number }>();
  // Tokens for the emulator's own URL (how the SDKs derive the scope from `endpoint`) and
  // for the public-cloud ARM audiences, which ARM itself accepts.
  const audiences = [baseUrl, 'https://management.azure.com', 'https://management.core.windows.net'];

  const authenticate = (ctx: RouteContext): Reply | undefined => {
    const check = identity.verifyBearer(ctx.req.headers.authorization, audiences, ctx.now);
    if (check.ok) return undefined;
    switch (check.problem) {
      case 'missing':
        return authErrors.missing();
      case 'malformed':
        return authErrors.malformed();
      case 'expired':
        return authErrors.expired(check.token!.expiresAt, ctx.now);
      case 'audience':
        return authErrors.audience(check.token!.audience, baseUrl);
      default:
        return authErrors.unknown();
    }
  };

  return {
    name: 'arm',
    router,
    claims: (path) => /^\/(subscriptions|providers)(\/|$)/i.test(path),
    // Bearer token first, then api-version (learn.microsoft.com/rest/api/azure/, "Create the request").
    guard(route: Route | undefined, ctx: RouteContext): Reply | undefined {
      const denied = authenticate(ctx);
      if (denied) return denied;
      const version = ctx.req.query['api-version'];
      if (!version) return missingApiVersion();
      if (route?.apiVersions && !acceptsVersion(route.apiVersions, version)) {
        const sub = subscriptionOf(ctx.req.path) ?? '';
        const supported = route.apiVersions instanceof RegExp ? route.apiVersions.source : route.apiVersions.join(', ');
        return unsupportedApiVersion(version, resourceTypeOf(ctx.req.path).type, supported, scopes.location(sub, resourceGroupOf(ctx.req.path)));
      }
      return undefined;
    },
    // InvalidRequestUri / InvalidResourceType: codes from ARM's troubleshooting pages (…/troubleshooting/common-deployment-errors); wording assumed.
    notFound(ctx) {
      const { namespace, type } = resourceTypeOf(ctx.req.path);
      if (!namespace) return armError(404, 'InvalidRequestUri', `The request URI '${ctx.baseUrl}${ctx.req.path}' is not valid.`);
      return armError(
        404,
        'InvalidResourceType',
        `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${ctx.req.query['api-version'] ?? ''}'.`,
      );
    },
    fault(fault, ctx) {
      const sub = subscriptionOf(ctx.req.path);
      return armFault(fault.status, fault.retryAfterSeconds, {
        ...(sub && { subscriptionId: sub }),
        correlationId: ctx.req.headers['x-ms-correlation-request-id'] ?? guid(),
        at: ctx.now,
      });
    },
    decorate(reply, ctx) {
      const correlationId = ctx.req.headers['x-ms-correlation-request-id'] ?? guid();
      const sub = (subscriptionOf(ctx.req.path) ?? '').toLowerCase();
      const budget = budgets.get(sub) ?? { reads: READ_BUDGET, writes: WRITE_BUDGET };
      budgets.set(sub, budget);
      const write = isWrite(ctx.req.method);
      if (write) budget.writes = Math.max(0, budget.writes - 1);
      else budget.reads = Math.max(0, budget.reads - 1);
      const stamp = new Date(ctx.now)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      // The headers every ARM answer carries (learn.microsoft.com/rest/api/azure/, "Response headers"; recordings in Azure/azure-sdk-assets).
      return withHeaders(reply, {
        'Cache-Control': 'no-cache',
        Pragma: 'no-cache',
        Expires: '-1',
        'x-ms-request-id': guid(),
        'x-ms-correlation-request-id': correlationId,
        'x-ms-routing-request-id': `EASTUS:${stamp}:${correlationId}`,
        ...(write ? { 'x-ms-ratelimit-remaining-subscription-writes': budget.writes } : { 'x-ms-ratelimit-remaining-subscription-reads': budget.reads }),
        'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
        'X-Content-Type-Options': 'nosniff',
      });
    },
    resetBudgets: () => budgets.clear(),
  };
}
