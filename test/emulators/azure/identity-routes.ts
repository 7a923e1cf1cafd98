/**
 * Entra ID (login.microsoftonline.com) on the wire, as MSAL node uses it for
 * `ClientSecretCredential` with a custom `authorityHost` and `disableInstanceDiscovery: true`:
 *
 * 1. `GET /{tenant}/v2.0/.well-known/openid-configuration` — MSAL requires `authorization_endpoint`,
 *    `token_endpoint`, `issuer` and `jwks_uri`, and refuses an `issuer` on another host.
 * 2. `POST /{tenant}/oauth2/v2.0/token` — form body `client_id`, `client_secret`,
 *    `grant_type=client_credentials`, `scope=<resource>/.default`.
 *
 * Errors use Entra ID's envelope (`error`, `error_description` starting with `AADSTS<code>:`,
 * `error_codes`, `trace_id`, `correlation_id`, …).
 *
 * Sources: the flow and its error envelope, learn.microsoft.com "Microsoft identity platform and
 * the OAuth 2.0 client credentials flow" (sections "Get a token", "Error response"); the
 * description layout (`\r\n` before Trace ID, Correlation ID, Timestamp) and status codes,
 * learn.microsoft.com previous-versions "Token Issuance Endpoint Errors" (dn645548); discovery,
 * learn.microsoft.com "OpenID Connect on the Microsoft identity platform"; what MSAL checks,
 * `@azure/msal-common` `authority/Authority.ts` (`validateIssuer`).
 */
import type { FamilyPolicy } from './family.ts';
import { withHeaders } from './family.ts';
import type { InjectedFault } from './faults.ts';
import { json } from './http.ts';
import type { Reply } from './http.ts';
import type { EntraIdentity } from './identity.ts';
import { guid } from './ids.ts';
import { jwks } from './jwt.ts';
import { Router } from './router.ts';
import type { RouteContext } from './router.ts';

/** Tenants MSAL may use before it knows the real one; discovery documents are served for them too. */
const META_TENANTS = new Set(['common', 'organizations', 'consumers']);

/** `2024-05-01 10:00:00Z`, Entra ID's timestamp format in error bodies. */
function aadTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * An Entra ID error answer. The description is `AADSTS<code>: <text>` then Trace ID, Correlation
 * ID and Timestamp on lines of their own (dn645548's example: `\r\nTrace ID: …`).
 */
export function aadError(
  ctx: RouteContext,
  status: number,
  error: string,
  code: number,
  description: string,
  headers: Record<string, string | number> = {},
): Reply {
  const traceId = guid();
  const correlationId = ctx.req.headers['client-request-id'] ?? guid();
  const timestamp = aadTimestamp(ctx.now);
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ctx.baseUrl}/error?code=${code}`,
    },
    { 'x-ms-request-id': traceId, ...headers },
  );
}

// AADSTS90002 invalid_tenant, this text and error_uri: Azure/azure-cli#22145 (the full answer); 400: sjkp/letsencrypt-siteextension#108.
function tenantNotFound(ctx: RouteContext, tenant: string): Reply {
  return aadError(
    ctx,
    400,
    'invalid_tenant',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );
}

// The discovery document's fields: learn.microsoft.com "OpenID Connect on the Microsoft identity
// platform" (sample document); the meta tenants common/organizations/consumers: the same page.
function openIdConfiguration(ctx: RouteContext, tenant: string, version: 1 | 2): Reply {
  const base = `${ctx.baseUrl}/${tenant}`;
  const host = new URL(ctx.baseUrl).host;
  const v = version === 2 ? '/v2.0' : '';
  return json(200, {
    token_endpoint: `${base}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery${v}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // MSAL checks that the issuer's scheme, host and port are the authority's.
    issuer: version === 2 ? `${base}/v2.0` : `${base}/`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2${v}/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: ctx.baseUrl,
  });
}

/** Client id and secret from the form body, or from HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1). */
function clientCredentials(ctx: RouteContext, form: Record<string, string>): { clientId?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { ...(id && { clientId: decodeURIComponent(id) }), secret: decodeURIComponent(rest.join(':')) };
  }
  return { ...(form.client_id && { clientId: form.client_id }), ...(form.client_secret !== undefined && { secret: form.client_secret }) };
}

function token(identity: EntraIdentity, ctx: RouteContext): Reply {
  const tenant = ctx.params.tenant!;
  const form = (typeof ctx.req.body === 'object' && ctx.req.body !== null ? ctx.req.body : {}) as Record<string, string>;
  if (!identity.hasTenant(tenant)) return tenantNotFound(ctx, tenant);
  // AADSTS70003 unsupported_grant_type: learn.microsoft.com/entra/identity-platform/reference-error-codes; status 400 assumed.
  if (form.grant_type !== 'client_credentials') {
    return aadError(ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
  }
  const { clientId, secret } = clientCredentials(ctx, form);
  // AADSTS900144 (missing parameter) and AADSTS7000218 (no client credential): codes and statuses assumed.
  if (!clientId) return aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const scope = form.scope;
  if (!scope) return aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  if (secret === undefined) {
    return aadError(ctx, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const check = identity.checkClient(tenant, clientId, secret, ctx.now);
  // AADSTS700016 text: Azure/login#561, MicrosoftDocs/azure-docs#35244, reference-error-codes; `unauthorized_client` and 400 assumed.
  if (check === 'unknown-client') {
    return aadError(
      ctx,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  // AADSTS7000215 invalid_client (reference-error-codes; 401 assumed, as for 7000222 below); also
  // what a new secret gets until it propagates (microsoftgraph/microsoft-graph-docs#17966: 4–18 s observed).
  if (check === 'wrong-secret') {
    return aadError(
      ctx,
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  // AADSTS7000222, 401 invalid_client, this text: reference-error-codes, and a full answer quoted at
  // code2care.org ("SharePoint App error AADSTS7000222: The provided client secret keys are expired").
  if (check === 'expired-secret') {
    return aadError(
      ctx,
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }
  // Client credentials take exactly one `<resource>/.default` scope; MSAL may add OIDC scopes, which Entra ignores.
  // invalid_scope: the client credentials flow page, "Error response" (its example is AADSTS70011); 1002012 assumed.
  const resources = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access', 'email'].includes(s));
  const resource = resources[0];
  if (resources.length !== 1 || !resource?.endsWith('/.default')) {
    return aadError(
      ctx,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const issued = identity.issue(tenant, clientId, resource, ctx.now);
  // The success body and no-store headers: the client credentials flow page, "Successful response".
  return json(
    200,
    {
      token_type: 'Bearer',
      expires_in: identity.tokenLifetimeSeconds,
      ext_expires_in: identity.tokenLifetimeSeconds,
      access_token: issued.accessToken,
    },
    { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
  );
}

/** The Entra ID service family. */
export function identityFamily(identity: EntraIdentity): FamilyPolicy {
  const router = new Router();
  const discovery =
    (version: 1 | 2) =>
    (ctx: RouteContext): Reply => {
      const tenant = ctx.params.tenant!;
      if (!META_TENANTS.has(tenant.toLowerCase()) && !identity.hasTenant(tenant)) return tenantNotFound(ctx, tenant);
      return openIdConfiguration(ctx, tenant, version);
    };
  router.add(
    { method: 'GET', pattern: '/{tenant}/v2.0/.well-known/openid-configuration', handler: discovery(2) },
    { method: 'GET', pattern: '/{tenant}/.well-known/openid-configuration', handler: discovery(1) },
    { method: 'GET', pattern: '/{tenant}/discovery/v2.0/keys', handler: () => json(200, jwks()) },
    { method: 'GET', pattern: '/{tenant}/discovery/keys', handler: () => json(200, jwks()) },
    { method: 'POST', pattern: '/{tenant}/oauth2/v2.0/token', handler: (ctx) => token(identity, ctx) },
  );
  return {
    name: 'identity',
    router,
    claims: (path) => /^\/[^/]+\/(v2\.0\/\.well-known|\.well-known|discovery|oauth2)\//i.test(path),
    notFound: (ctx) => aadError(ctx, 404, 'invalid_request', 900561, `The emulator has no Entra ID endpoint ${ctx.req.method} ${ctx.req.path}.`),
    // A transient Entra answer: `temporarily_unavailable` is RFC 6749 §4.1.2.1's code; AADSTS90033 assumed.
    fault: (fault: InjectedFault, ctx) =>
      aadError(
        ctx,
        fault.status,
        'temporarily_unavailable',
        90033,
        'A transient error has occurred. Please try again.',
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {},
      ),
    // x-ms-request-id, the client-request-id echo and x-ms-ests-server: assumed (values made up).
    decorate: (reply, ctx) =>
      withHeaders(reply, {
        'x-ms-request-id': guid(),
        ...(ctx.req.headers['client-request-id'] && { 'client-request-id': ctx.req.headers['client-request-id'] }),
        'x-ms-ests-server': '2.1.0 - emulator',
      }),
  };
}
