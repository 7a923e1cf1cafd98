/**
 * Microsoft Graph v1.0 on the wire: the OData JSON content type, the error envelope
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`, and
 * the JSON shapes of `application` and `passwordCredential`.
 *
 * Sources (microsoftgraph/microsoft-graph-docs-contrib): concepts/errors.md (the envelope, with
 * request-id and date in innerError; client-request-id there is assumed), resources/passwordcredential.md and api/application-addpassword.md (its example
 * answer), resources/application.md and api/application-get.md (the application's properties).
 */
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import type { RouteContext } from '../router.ts';
import type { ApplicationState, PasswordCredentialState } from './store.ts';

/** What Graph sends as `Content-Type` for JSON bodies (the OData parameters are assumed, as seen on real answers). */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const requestIds = new WeakMap<RouteContext['req'], string>();

/** The `request-id` of this request: the same in the header and in an error's `innerError`. */
export function requestIdOf(ctx: RouteContext): string {
  let id = requestIds.get(ctx.req);
  if (!id) {
    id = guid();
    requestIds.set(ctx.req, id);
  }
  return id;
}

/** The `client-request-id` Graph echoes; without one sent, Graph uses its `request-id`. */
export function clientRequestIdOf(ctx: RouteContext): string {
  return ctx.req.headers['client-request-id'] ?? requestIdOf(ctx);
}

export function graphJson(status: number, body: unknown, headers: Record<string, string | number> = {}): Reply {
  return { status, headers: { 'Content-Type': GRAPH_JSON, ...headers }, body: JSON.stringify(body) };
}

/** `2024-05-01T10:00:00`: the `innerError.date` format (UTC, no zone, no fraction); concepts/errors.md names the field, the format is assumed. */
function innerDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '');
}

/** A Graph error answer. */
export function graphError(
  ctx: RouteContext,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string | number> = {},
  inner: Record<string, string> = {},
): Reply {
  return graphJson(
    status,
    {
      error: {
        code,
        message,
        innerError: { ...inner, date: innerDate(ctx.now), 'request-id': requestIdOf(ctx), 'client-request-id': clientRequestIdOf(ctx) },
      },
    },
    headers,
  );
}

/** Directory-object 404, worded as Graph words it. */
export function resourceNotFound(ctx: RouteContext, key: string): Reply {
  return graphError(ctx, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
}

/** ISO 8601 UTC as Graph prints `DateTimeOffset`: no trailing zero fraction (`2025-12-31T00:00:00Z`). */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/** A `passwordCredential`; `secretText` is only ever non-null in the `addPassword` answer. */
export function passwordCredentialJson(cred: PasswordCredentialState, secretText: string | null = null): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: cred.displayName,
    endDateTime: graphDate(cred.endDateTime),
    hint: cred.hint,
    keyId: cred.keyId,
    secretText,
    startDateTime: graphDate(cred.startDateTime),
  };
}

/** The full `application` as `GET /applications/{id}` returns it without `$select`, in Graph's property order (application-get.md's example; order and nulls assumed). */
export function applicationJson(app: ApplicationState): Record<string, unknown> {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: graphDate(app.createdDateTime),
    displayName: app.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    notes: null,
    publisherDomain: 'emulator.onmicrosoft.com',
    serviceManagementReference: null,
    signInAudience: 'AzureADMyOrg',
    tags: [],
    tokenEncryptionKeyId: null,
    uniqueName: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: null,
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
    },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [],
    optionalClaims: null,
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: app.passwordCredentials.map((c) => passwordCredentialJson(c)),
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
    spa: { redirectUris: [] },
  };
}

/** Property names `$select` accepts, by lower-case name (Graph matches them case-insensitively). */
export const APPLICATION_PROPERTIES: ReadonlyMap<string, string> = new Map(
  Object.keys(
    applicationJson({
      index: 0,
      id: '',
      appId: '',
      displayName: '',
      tenantId: '',
      createdDateTime: 0,
      passwordCredentials: [],
      issuedSecrets: [],
      neverPropagate: false,
    }),
  ).map((name) => [name.toLowerCase(), name]),
);

/** Only the `select`ed properties of an application, in the order asked for. */
export function selectedJson(app: ApplicationState, select: readonly string[] | undefined): Record<string, unknown> {
  const full = applicationJson(app);
  if (!select) return full;
  return Object.fromEntries(select.map((name) => [name, full[name]]));
}
