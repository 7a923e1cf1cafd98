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
 * Sources: learn.microsoft.com/entra/identity-platform/v2-protocols-oidc (discovery document),
 * …/v2-oauth2-client-creds-grant-flow (token request, answer and error envelope),
 * …/reference-error-codes (AADSTS codes); what MSAL node checks: its source (`Authority.ts`).
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
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** An Entra ID error answer. */
export function aadError(ctx: RouteContext, status: number, error: string, code: number, description: string, headers: Record<string, string | number> = {}): Reply {
  const traceId = guid();
  const correlationId = ctx.req.headers['client-request-id'] ?? guid();
  const timestamp = aadTimestamp(ctx.now);
  return json(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${ctx.baseUrl}/error?code=${code}`,
    },
    { 'x-ms-request-id': traceId, ...headers },
  );
}

function tenantNotFound(ctx: RouteContext, tenant: string): Reply {
  return aadError(ctx, 400, 'invalid_tenant', 90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
}

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
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: ctx.baseUrl,
  });
}

/** Client id and secret from the form body, or from HTTP Basic (`client_secret_basic`). */
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
  // AADSTS70003, 900144, 7000218, 700016, 7000215, 7000222, 1002012: reference-error-codes (wording of descriptions assumed close).
  if (form.grant_type !== 'client_credentials') {
    return aadError(ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
  }
  const { clientId, secret } = clientCredentials(ctx, form);
  if (!clientId) return aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
  const scope = form.scope;
  if (!scope) return aadError(ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  if (secret === undefined) {
    return aadError(ctx, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const check = identity.checkClient(tenant, clientId, secret, ctx.now);
  if (check === 'unknown-client') {
    return aadError(ctx, 400, 'unauthorized_client', 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }
  if (check === 'wrong-secret') {
    return aadError(ctx, 401, 'invalid_client', 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  if (check === 'expired-secret') {
    return aadError(ctx, 401, 'invalid_client', 7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`);
  }
  // Client credentials take exactly one `<resource>/.default` scope; MSAL may add OIDC scopes, which Entra ignores.
  const resources = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access', 'email'].includes(s));
  const resource = resources[0];
  if (resources.length !== 1 || !resource?.endsWith('/.default')) {
    return aadError(ctx, 400, 'invalid_scope', 1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const issued = identity.issue(tenant, clientId, resource, ctx.now);
  return json(200, {
    token_type: 'Bearer',
    expires_in: identity.tokenLifetimeSeconds,
    ext_expires_in: identity.tokenLifetimeSeconds,
    access_token: issued.accessToken,
  }, { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' });
}

/** The Entra ID service family. */
export function identityFamily(identity: EntraIdentity): FamilyPolicy {
  const router = new Router();
  const discovery = (version: 1 | 2) => (ctx: RouteContext): Reply => {
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
    // AADSTS90033 "transient error": reference-error-codes.
    fault: (fault: InjectedFault, ctx) =>
      aadError(ctx, fault.status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.',
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {}),
    decorate: (reply, ctx) =>
      withHeaders(reply, {
        'x-ms-request-id': guid(),
        ...(ctx.req.headers['client-request-id'] && { 'client-request-id': ctx.req.headers['client-request-id'] }),
        'x-ms-ests-server': '2.1.0 - emulator',
      }),
  };
}
