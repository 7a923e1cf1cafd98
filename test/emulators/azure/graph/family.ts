/**
 * Microsoft Graph v1.0 `applications` as a service family, under `https://localhost:PORT/v1.0/`
 * (the product's Graph endpoint is the emulator's URL), for `@microsoft/microsoft-graph-client`:
 *
 * - `GET /applications` (`$select`, `$top` ≤ 999, `$filter`, paging by `@odata.nextLink`)
 * - `GET /applications/{id}` and `GET /applications(appId='{appId}')`
 * - `POST …/addPassword` (200, the only answer carrying `secretText`) and `POST …/removePassword` (204)
 *
 * A token's tenant is the directory it sees: other tenants' apps answer 404 like missing ones.
 *
 * Sources (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/): application-list.md,
 * application-get.md (the `applications(appId='…')` alternate key), application-addpassword.md,
 * application-removepassword.md; errors and their envelope: concepts/errors.md. Answers to bad
 * input that those pages do not show are marked "assumed" where they are made.
 */
import type { FamilyPolicy } from '../family.ts';
import { withHeaders } from '../family.ts';
import { empty } from '../http.ts';
import type { Reply } from '../http.ts';
import type { EntraIdentity } from '../identity.ts';
import { Router } from '../router.ts';
import type { Route, RouteContext } from '../router.ts';
import { addCredential, removeCredential, twoYearsAfter } from './credentials.ts';
import { option, parseFilter, parseSelect, parseSkipToken, parseTop, skipTokenAfter } from './query.ts';
import type { ApplicationState, GraphStore } from './store.ts';
import { clientRequestIdOf, graphError, graphJson, passwordCredentialJson, requestIdOf, resourceNotFound, selectedJson } from './wire.ts';

/** Token audiences Graph accepts: the emulator's URL (scope `${azure.url}/.default`) and Graph's own (its app id, assumed to be accepted as `aud` too). */
function audiences(baseUrl: string): string[] {
  return [baseUrl, 'https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the routes need besides the store. */
export interface GraphWiring {
  store: GraphStore;
  identity: EntraIdentity;
  /** Read per addPassword, so a test can change it between calls. */
  propagationMs: () => number;
}

function bodyObject(ctx: RouteContext): Record<string, unknown> | undefined | 'invalid' {
  const body = ctx.req.body;
  if (body === undefined) return undefined;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : 'invalid';
}

function unreadableBody(ctx: RouteContext): Reply {
  return graphError(
    ctx,
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

function routes({ store, identity, propagationMs }: GraphWiring): Route[] {
  const tenantOf = (ctx: RouteContext): string => {
    const check = identity.verifyBearer(ctx.req.headers.authorization, audiences(ctx.baseUrl), ctx.now);
    return check.ok ? check.token.tenantId : ''; // the guard let only valid tokens through
  };

  /** The addressed app, or Graph's answer when there is none. */
  const resolve = (ctx: RouteContext): ApplicationState | Reply => {
    const { id, entity } = ctx.params;
    let key: string;
    let app: ApplicationState | undefined;
    if (id !== undefined) {
      key = id;
      // Wording assumed.
      if (!GUID.test(id)) return graphError(ctx, 400, 'Request_BadRequest', `Invalid object identifier '${id}'.`);
      app = store.byId(id);
    } else {
      const m = /^applications\(appId='((?:[^']|'')*)'\)$/i.exec(entity ?? '');
      // OData doubles a quote inside a key literal (OData URL conventions §4.3.1); the 400 text is assumed.
      if (!m) return graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${entity ?? ''}'.`);
      key = m[1]!.replace(/''/g, "'");
      app = store.byAppId(key);
    }
    // Another tenant's app is invisible, like a missing one (assumed: directories are per tenant).
    return store.inTenant(app, tenantOf(ctx)) ?? resourceNotFound(ctx, key);
  };

  const getOne = (ctx: RouteContext): Reply => {
    const app = resolve(ctx);
    if ('status' in app) return app;
    const select = parseSelect(ctx);
    if (!select.ok) return select.reply;
    const names = select.value;
    return graphJson(200, {
      '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#applications${names ? `(${names.join(',')})` : ''}/$entity`,
      ...selectedJson(app, names),
    });
  };

  const addPassword = (ctx: RouteContext): Reply => {
    const app = resolve(ctx);
    if ('status' in app) return app;
    const body = bodyObject(ctx);
    if (body === 'invalid') return unreadableBody(ctx);
    const requested = (body?.passwordCredential ?? {}) as Record<string, unknown>;
    if (typeof requested !== 'object' || Array.isArray(requested)) return unreadableBody(ctx);
    // Body and defaults: application-addpassword.md (all optional; start now, end start + 2 years);
    // the 400s for malformed values are assumed.
    const displayName = requested.displayName;
    if (displayName !== undefined && displayName !== null && typeof displayName !== 'string') {
      return graphError(ctx, 400, 'BadRequest', "Invalid value specified for property 'displayName' of resource 'PasswordCredential'.");
    }
    const times: Record<'startDateTime' | 'endDateTime', number | undefined> = { startDateTime: undefined, endDateTime: undefined };
    for (const name of ['startDateTime', 'endDateTime'] as const) {
      const value = requested[name];
      if (value === undefined || value === null) continue;
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms))
        return graphError(ctx, 400, 'BadRequest', `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`);
      times[name] = ms;
    }
    const start = times.startDateTime ?? ctx.now;
    const end = times.endDateTime ?? twoYearsAfter(start);
    if (end <= start) {
      return graphError(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.");
    }
    const cred = addCredential(identity, app, {
      displayName: displayName ?? null,
      startDateTime: start,
      endDateTime: end,
      usableFrom: app.neverPropagate ? Number.POSITIVE_INFINITY : ctx.now + propagationMs(),
    });
    return graphJson(200, {
      '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#microsoft.graph.passwordCredential`,
      ...passwordCredentialJson(cred, cred.secret),
    });
  };

  const removePassword = (ctx: RouteContext): Reply => {
    const app = resolve(ctx);
    if ('status' in app) return app;
    const body = bodyObject(ctx);
    if (body === 'invalid') return unreadableBody(ctx);
    const keyId = body?.keyId;
    if (typeof keyId !== 'string' || !GUID.test(keyId)) {
      return graphError(ctx, 400, 'BadRequest', `Invalid value specified for property 'keyId' of resource 'Application'.`);
    }
    // 204 No Content: application-removepassword.md. An unknown keyId's 400 and its text: assumed.
    if (!removeCredential(identity, app, keyId)) return graphError(ctx, 400, 'Request_BadRequest', `No credential found with keyId '${keyId}'.`);
    return empty(204);
  };

  const list = (ctx: RouteContext): Reply => {
    const select = parseSelect(ctx);
    if (!select.ok) return select.reply;
    const top = parseTop(ctx);
    if (!top.ok) return top.reply;
    const filter = parseFilter(ctx);
    if (!filter.ok) return filter.reply;
    const from = parseSkipToken(ctx, store);
    if (!from.ok) return from.reply;
    const names = select.value;
    const filterText = option(ctx, '$filter');
    const page = store.page(tenantOf(ctx), filter.value, from.value, top.value);
    let nextLink: string | undefined;
    if (page.more) {
      // Graph keeps the caller's query options in the link and appends its own skip token
      // (concepts/paging.md: follow @odata.nextLink as it is).
      const query = [
        ...(names ? [`$select=${names.join(',')}`] : []),
        ...(option(ctx, '$top') !== undefined ? [`$top=${top.value}`] : []),
        ...(filterText !== undefined ? [`$filter=${encodeURIComponent(filterText)}`] : []),
        `$skiptoken=${skipTokenAfter(page.items.at(-1)!)}`,
      ];
      nextLink = `${ctx.baseUrl}/v1.0/applications?${query.join('&')}`;
    }
    return graphJson(200, {
      '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#applications${names ? `(${names.join(',')})` : ''}`,
      ...(nextLink && { '@odata.nextLink': nextLink }),
      value: page.items.map((app) => selectedJson(app, names)),
    });
  };

  return [
    { method: 'GET', pattern: '/v1.0/applications', handler: list },
    { method: 'GET', pattern: '/v1.0/applications/{id}', handler: getOne },
    { method: 'POST', pattern: '/v1.0/applications/{id}/addPassword', handler: addPassword },
    { method: 'POST', pattern: '/v1.0/applications/{id}/removePassword', handler: removePassword },
    { method: 'GET', pattern: '/v1.0/{entity}', handler: getOne },
    { method: 'POST', pattern: '/v1.0/{entity}/addPassword', handler: addPassword },
    { method: 'POST', pattern: '/v1.0/{entity}/removePassword', handler: removePassword },
  ];
}

// 401 (concepts/errors.md); the code InvalidAuthenticationToken, the messages and the
// WWW-Authenticate value are assumed (as seen on real answers).
function unauthorized(ctx: RouteContext, message: string): Reply {
  return graphError(ctx, 401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="${ctx.baseUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });
}

// 429 with Retry-After: concepts/throttling.md. Statuses: concepts/errors.md (503 "may" carry
// Retry-After, 504 "may occur together with 503"); the codes' casing and messages are assumed.
const FAULT_CODES: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['UnknownError', 'An unknown error has occurred.'],
  502: ['BadGateway', 'The server received an invalid response from the upstream server.'],
  503: ['ServiceNotAvailable', 'The service is temporarily unavailable. Please retry again later.'],
  504: ['GatewayTimeout', 'The request timed out at the gateway.'],
};

/** The Graph family: everything under `/v1.0/`. */
export function graphFamily(wiring: GraphWiring): FamilyPolicy {
  const router = new Router();
  router.add(...routes(wiring));
  return {
    name: 'graph',
    router,
    claims: (path) => /^\/v1\.0(\/|$)/i.test(path),
    guard(_route, ctx) {
      const check = wiring.identity.verifyBearer(ctx.req.headers.authorization, audiences(ctx.baseUrl), ctx.now);
      if (check.ok) return undefined;
      return unauthorized(
        ctx,
        {
          missing: 'Access token is empty.',
          malformed: 'Access token validation failure.',
          unknown: 'Access token validation failure.',
          expired: 'Lifetime validation failed, the token is expired.',
          audience: 'Access token validation failure. Invalid audience.',
        }[check.problem],
      );
    },
    // 405 for a known path with the wrong method, 400 "Resource not found for the segment" otherwise:
    // what Graph answers in practice; wording assumed.
    notFound(ctx) {
      const other = ctx.req.method === 'GET' ? 'POST' : 'GET';
      if (router.match(other, ctx.req.path)) return graphError(ctx, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.');
      const segment = ctx.req.path.split('/').filter(Boolean).at(-1) ?? '';
      return graphError(ctx, 400, 'BadRequest', `Resource not found for the segment '${decodeURIComponent(segment)}'.`);
    },
    fault(fault, ctx) {
      const [code, message] = FAULT_CODES[fault.status] ?? ['UnknownError', 'An unknown error has occurred.'];
      const headers: Record<string, number> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {};
      const inner: Record<string, string> = fault.status === 429 ? { code: '429', message: 'Please retry after', status: '429' } : {};
      return graphError(ctx, fault.status, code, message, headers, inner);
    },
    // request-id (also in innerError: concepts/errors.md); the client-request-id echo,
    // x-ms-ags-diagnostic and x-ms-resource-unit are assumed, as seen on real answers.
    decorate: (reply, ctx) =>
      withHeaders(reply, {
        'Cache-Control': 'no-cache',
        'request-id': requestIdOf(ctx),
        'client-request-id': clientRequestIdOf(ctx),
        'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'East US', Slice: 'E', Ring: '5', ScaleUnit: '000', RoleInstance: 'EMULATOR' } }),
        'x-ms-resource-unit': '1',
        ...(reply.body !== undefined && { 'OData-Version': '4.0' }),
        'Strict-Transport-Security': 'max-age=31536000',
      }),
  };
}
