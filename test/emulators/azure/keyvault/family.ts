/**
 * Key Vault secrets on the wire, for `@azure/keyvault-secrets` 4.x (api-version 2025-07-01 and
 * earlier 7.x), under `https://localhost:PORT/vaults/{vault}`:
 *
 * - Challenge auth: the SDK first sends the request with no token and no body; the answer is
 *   `401` + `WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="https://vault.azure.net"`
 *   (or `scope="https://vault.azure.net/.default"`). It then gets a token for that scope and retries.
 * - `PUT /secrets/{name}`, `GET /secrets/{name}[/{version}]`, `GET /secrets` (paged via `nextLink`).
 *
 * Errors use Key Vault's envelope `{"error":{"code","message"}}`.
 *
 * Secret ids are `https://localhost:PORT/secrets/{name}/{version}` WITHOUT the `/vaults/{vault}`
 * prefix: the SDK parses every returned id and insists on exactly `/secrets/name[/version]`.
 *
 * Sources: operations and bodies, Azure/azure-rest-api-specs
 * specification/keyvault/data-plane/Microsoft.KeyVault/stable/7.5/secrets.json with its examples
 * SetSecret-example.json, GetSecret-example.json, GetSecrets-example.json; the challenge,
 * learn.microsoft.com "Authentication, requests, and responses" (Key Vault) and
 * `@azure/keyvault-common` (`keyVaultAuthenticationPolicy`, which reads `resource` or `scope`);
 * errors, learn.microsoft.com "Azure Key Vault REST API error codes". Wording not found there is
 * marked "assumed" where it is made.
 */
import type { FamilyPolicy } from '../family.ts';
import { withHeaders } from '../family.ts';
import { json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { EntraIdentity } from '../identity.ts';
import { guid } from '../ids.ts';
import { Router } from '../router.ts';
import type { Route, RouteContext } from '../router.ts';
import type { KeyVaultStore, SecretVersion, Vault } from './store.ts';

/** The audience Key Vault tokens must carry, whatever the vault's URL. */
export const VAULT_RESOURCE = 'https://vault.azure.net';

/** Key Vault's error answer: `{"error":{"code","message"}}` (secrets.json `KeyVaultError`). */
export function kvError(status: number, code: string, message: string, headers: Record<string, string | number> = {}): Reply {
  return json(status, { error: { code, message } }, headers);
}

/** How a vault words its 401 challenge. */
export type ChallengeStyle = 'resource' | 'scope';

function challengeHeader(baseUrl: string, vault: Vault, style: ChallengeStyle): string {
  const target = style === 'resource' ? `resource="${VAULT_RESOURCE}"` : `scope="${VAULT_RESOURCE}/.default"`;
  return `Bearer authorization="${baseUrl}/${vault.tenantId}", ${target}`;
}

// secrets.json: `secret-name` pattern `^[0-9a-zA-Z-]+$`; 127 characters: learn.microsoft.com "About keys, secrets, and certificates" (object names).
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

// SecretAttributes (secrets.json; Unix seconds); recoveryLevel and recoverableDays as GetSecret-example.json shows them.
function attributes(v: SecretVersion): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.nbf !== undefined && { nbf: v.nbf }),
    ...(v.exp !== undefined && { exp: v.exp }),
    created: v.created,
    updated: v.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

function bundle(baseUrl: string, name: string, v: SecretVersion): Record<string, unknown> {
  return {
    value: v.value,
    ...(v.contentType !== undefined && { contentType: v.contentType }),
    id: `${baseUrl}/secrets/${name}/${v.version}`,
    attributes: attributes(v),
    ...(v.tags && { tags: v.tags }),
  };
}

// 404 SecretNotFound: the error-codes page; the message text is assumed, as seen on real answers.
function secretNotFound(name: string): Reply {
  return kvError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

/** Optional number field of the PUT body's `attributes` (Unix seconds). */
function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : undefined;
}

function routes(store: KeyVaultStore, identity: EntraIdentity): Route[] {
  const vaultOf = (ctx: RouteContext): Vault => store.vault(ctx.params.vault!)!; // the guard checked it
  const getSecret = (ctx: RouteContext): Reply => {
    const vault = vaultOf(ctx);
    const found = store.find(vault, ctx.params.name!, ctx.params.version);
    if (!found) return secretNotFound(ctx.params.name!);
    // A disabled secret's value is not served: 403 (secrets.json `enabled`); code and text assumed.
    if (!found.version.enabled) {
      return json(403, { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } });
    }
    const token = identity.verifyBearer(ctx.req.headers.authorization, [VAULT_RESOURCE], ctx.now);
    store.reads.push({
      vault: vault.name,
      name: found.name,
      version: found.version.version,
      pinned: Boolean(ctx.params.version),
      clientId: token.ok ? token.token.clientId : '',
      at: new Date(ctx.now),
    });
    return json(200, bundle(ctx.baseUrl, found.name, found.version));
  };
  return [
    {
      method: 'PUT',
      pattern: '/vaults/{vault}/secrets/{name}',
      handler(ctx) {
        const name = ctx.params.name!;
        // 400 BadParameter: the error-codes page; the texts here are assumed.
        if (!SECRET_NAME.test(name)) return kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
        const body = (typeof ctx.req.body === 'object' && ctx.req.body !== null ? ctx.req.body : {}) as Record<string, unknown>;
        if (typeof body.value !== 'string') return kvError(400, 'BadParameter', 'Property value is required');
        const attrs = (typeof body.attributes === 'object' && body.attributes !== null ? body.attributes : {}) as Record<string, unknown>;
        const nbf = seconds(attrs.nbf);
        const exp = seconds(attrs.exp);
        const tags = typeof body.tags === 'object' && body.tags !== null ? (body.tags as Record<string, string>) : undefined;
        const version = store.setSecret(
          vaultOf(ctx),
          name,
          {
            value: body.value,
            ...(typeof body.contentType === 'string' && { contentType: body.contentType }),
            ...(tags && { tags }),
            enabled: attrs.enabled !== false,
            ...(nbf !== undefined && { nbf }),
            ...(exp !== undefined && { exp }),
          },
          ctx.now,
        );
        return json(200, bundle(ctx.baseUrl, name, version));
      },
    },
    { method: 'GET', pattern: '/vaults/{vault}/secrets/{name}/{version}', handler: getSecret },
    { method: 'GET', pattern: '/vaults/{vault}/secrets/{name}', handler: getSecret },
    {
      method: 'GET',
      pattern: '/vaults/{vault}/secrets',
      handler(ctx) {
        const vault = vaultOf(ctx);
        // secrets.json `maxresults`: "If not specified the service will return up to 25 results"; nextLink as GetSecrets-example.json.
        const requested = Number(ctx.req.query.maxresults ?? store.pageSize);
        const size = Math.max(1, Math.min(store.pageSize, Number.isFinite(requested) ? requested : store.pageSize));
        const skip = Number(ctx.req.query.$skiptoken ?? 0) || 0;
        const all = [...vault.secrets.values()].filter((s) => s.versions.length > 0);
        const page = all.slice(skip, skip + size).map((s) => {
          const latest = s.versions.at(-1)!;
          return {
            id: `${ctx.baseUrl}/secrets/${s.name}`,
            attributes: attributes(latest),
            ...(latest.contentType !== undefined && { contentType: latest.contentType }),
            ...(latest.tags && { tags: latest.tags }),
          };
        });
        const more = skip + size < all.length;
        const query = new URLSearchParams({ 'api-version': ctx.req.query['api-version'] ?? '', $skiptoken: String(skip + size), maxresults: String(size) });
        return json(200, { value: page, nextLink: more ? `${ctx.baseUrl}/vaults/${vault.name}/secrets?${query}` : null });
      },
    },
  ];
}

/** The Key Vault service family: everything under `/vaults/`. */
export function keyVaultFamily(store: KeyVaultStore, identity: EntraIdentity, challengeStyle: () => ChallengeStyle): FamilyPolicy {
  const router = new Router();
  router.add(...routes(store, identity));
  return {
    name: 'keyvault',
    router,
    claims: (path) => /^\/vaults\/[^/]+(\/|$)/i.test(path),
    guard(_route, ctx) {
      const name = /^\/vaults\/([^/]+)/i.exec(ctx.req.path)?.[1] ?? '';
      const vault = store.vault(decodeURIComponent(name));
      // A real unknown vault is a DNS failure; the closest HTTP answer is a 404 (assumed).
      if (!vault) return kvError(404, 'VaultNotFound', `The vault '${name}' does not exist in the emulator.`);
      const challenge = { 'WWW-Authenticate': challengeHeader(ctx.baseUrl, vault, challengeStyle()) };
      const check = identity.verifyBearer(ctx.req.headers.authorization, [VAULT_RESOURCE], ctx.now);
      // 401 Unauthorized with the challenge (the authentication page); AKV100xx texts: the error-codes page, wording assumed.
      if (!check.ok) {
        const message = {
          missing: 'AKV10000: Request is missing a Bearer or PoP token.',
          malformed: 'AKV10000: Request is missing a Bearer or PoP token.',
          unknown: 'AKV10012: Token signature is invalid.',
          expired: 'AKV10013: Token validation failed. Token is expired.',
          audience: `AKV10022: Invalid audience. Expected ${VAULT_RESOURCE}, found: ${check.token?.audience ?? ''}.`,
        }[check.problem];
        return kvError(401, 'Unauthorized', message, challenge);
      }
      if (check.token.tenantId.toLowerCase() !== vault.tenantId.toLowerCase()) {
        return kvError(
          401,
          'Unauthorized',
          `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, found https://sts.windows.net/${check.token.tenantId}/.`,
          challenge,
        );
      }
      // api-version is required on every call (secrets.json); the text is assumed.
      if (!ctx.req.query['api-version']) return kvError(400, 'BadParameter', "The 'api-version' query parameter is missing.");
      return undefined;
    },
    notFound: (ctx) => kvError(404, 'NotFound', `The emulated vault has no endpoint ${ctx.req.method} ${ctx.req.path}.`),
    // 429 with Retry-After: learn.microsoft.com "Azure Key Vault throttling guidance"; texts assumed.
    fault: (fault) =>
      fault.status === 429
        ? kvError(
            429,
            'Throttled',
            'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
            fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {},
          )
        : kvError(fault.status, 'ServiceUnavailable', 'The service is temporarily unavailable.'),
    // Headers of real answers; values assumed.
    decorate: (reply, ctx) =>
      withHeaders(reply, {
        'Cache-Control': 'no-cache',
        'x-ms-request-id': guid(),
        ...(ctx.req.headers['x-ms-client-request-id'] && { 'x-ms-client-request-id': ctx.req.headers['x-ms-client-request-id'] }),
        'x-ms-keyvault-service-version': '1.9.2553.1',
        'x-ms-keyvault-region': 'eastus',
        'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
        'Strict-Transport-Security': 'max-age=31536000;includeSubDomains',
        'X-Content-Type-Options': 'nosniff',
      }),
  };
}
