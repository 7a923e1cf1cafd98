/**
 * ACR's data plane on the wire, for `@azure/container-registry` 1.1.x (api-version 2021-07-01),
 * under `https://localhost:PORT/registries/{registry}`:
 *
 * 1. A request without a (valid) ACR token → `401` + `WWW-Authenticate: Bearer realm="…/oauth2/token",
 *    service="{name}.azurecr.io",scope="repository:{repo}:metadata_read"`.
 * 2. The SDK gets an Entra token for `{audience}/.default` and posts it to `POST /oauth2/exchange`
 *    (form `grant_type=access_token`, `service`, `access_token`) → `{"refresh_token": <JWT>}`; the SDK
 *    reads the JWT's `exp` to cache it.
 * 3. `POST /oauth2/token` (form `grant_type=refresh_token`, `service`, `scope`, `refresh_token`)
 *    → `{"access_token": <JWT>}`, valid for that scope only; another scope is challenged again.
 *
 * `docker login` with a repository-scoped token (the Docker token flow): `GET /v2/` without
 * credentials → 401 + `WWW-Authenticate: Bearer realm="…/oauth2/token",service="…"`; then
 * `GET /oauth2/token?service=…&scope=…` with `Authorization: Basic base64(token:password)` →
 * 200 `{"access_token": <JWT>}` for that scope, or 401 `UNAUTHORIZED` when the token is unknown
 * or disabled or the password is not a current, unexpired slot value (checked by
 * `emulator.acr.checkTokenPassword`). `GET /v2/` also answers 200 `{}` to the same Basic
 * credentials or to any ACR access token of the registry. Scope maps are not enforced.
 *
 * Routes: `GET /acr/v1/_catalog`, `/acr/v1/{repo}/_tags` (paged via `Link: <…>; rel="next"`),
 * `/acr/v1/{repo}/_tags/{tag}`, `/acr/v1/{repo}/_manifests/{digest}` (also for a manifest imported
 * without a tag, then with `tags: []`, assumed). Errors use the registry
 * envelope `{"errors":[{"code","message","detail"}]}`.
 *
 * Sources: the challenge, exchange and token flow, the error envelope and claim sets: Azure/acr
 * docs/AAD-OAuth.md (whose example access token lives 75 minutes); the refresh token's 3 hours:
 * learn.microsoft.com container-registry-authentication; the routes and their JSON: the ACR
 * data-plane spec (specification/containerregistry/data-plane, 2021-07-01) in Azure/azure-rest-api-specs;
 * `Link` paging, `/v2/` and `Docker-Distribution-Api-Version`: the Docker registry HTTP API V2 spec
 * (distribution/distribution docs/spec/api.md); the Basic token flow: Azure/acr docs/Token-BasicAuth.md.
 * The `n` default, manifest sizes and the quarantine state are assumed.
 */
import { randomUUID } from 'node:crypto';
import type { FamilyPolicy } from '../family.ts';
import { withHeaders } from '../family.ts';
import { json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { EntraIdentity } from '../identity.ts';
import { signJwt } from '../jwt.ts';
import { Router } from '../router.ts';
import type { Route, RouteContext } from '../router.ts';
import type { DataRegistry, RegistryDataStore, TagState } from './store.ts';

/** Entra audiences ACR accepts in the exchange: its own, ARM's (the `audience` option's two values). */
const AAD_AUDIENCES = ['https://containerregistry.azure.net', 'https://management.azure.com', 'https://management.core.windows.net'];
/** ACR refresh tokens live 3 hours, access tokens 75 minutes. */
const REFRESH_TTL_S = 3 * 3600;
const ACCESS_TTL_S = 75 * 60;

/** The registry error envelope. */
export function acrError(status: number, code: string, message: string, detail?: unknown, headers: Record<string, string | number> = {}): Reply {
  return json(status, { errors: [{ code, message, ...(detail !== undefined && { detail }) }] }, headers);
}

const CHANGEABLE = { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function tagJson(tag: TagState): Record<string, unknown> {
  return {
    name: tag.name,
    digest: tag.digest,
    createdTime: iso(tag.created),
    lastUpdateTime: iso(tag.updated),
    signed: false,
    changeableAttributes: CHANGEABLE,
  };
}

function form(ctx: RouteContext): Record<string, string> {
  return (typeof ctx.req.body === 'object' && ctx.req.body !== null ? ctx.req.body : {}) as Record<string, string>;
}

/** `user` and `password` of an `Authorization: Basic …` header, if it is one. */
function basicCredentials(authorization: string): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization)?.[1];
  if (!encoded) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** One page of sorted `items` after `last`, and the `Link` header for the next one. */
function page<T>(
  items: T[],
  key: (item: T) => string,
  ctx: RouteContext,
  defaultSize: number,
  linkPath: string,
): { items: T[]; headers: Record<string, string> } {
  const n = Math.max(1, Number(ctx.req.query.n ?? defaultSize) || defaultSize);
  const last = ctx.req.query.last;
  const start = last === undefined ? 0 : items.findIndex((i) => key(i) === last) + 1;
  const slice = items.slice(start, start + n);
  const more = start + n < items.length && slice.length > 0;
  const orderby = ctx.req.query.orderby ?? '';
  // ACR's Link is relative to the registry; the SDK appends it to its endpoint.
  const next = `${linkPath}?last=${encodeURIComponent(key(slice.at(-1)!))}&n=${n}&orderby=${encodeURIComponent(orderby)}`;
  return { items: slice, headers: more ? { Link: `<${next}>; rel="next"` } : {} };
}

function routes(store: RegistryDataStore, identity: EntraIdentity): Route[] {
  const registryOf = (ctx: RouteContext): DataRegistry => store.find(ctx.params.registry!)!; // the guard checked it
  const issue = (kind: 'refresh' | 'access', registry: DataRegistry, clientId: string, now: number, scope?: string): string => {
    const iat = Math.floor(now / 1000);
    const exp = iat + (kind === 'refresh' ? REFRESH_TTL_S : ACCESS_TTL_S);
    const token = signJwt({
      jti: randomUUID(),
      sub: clientId,
      nbf: iat,
      iat,
      exp,
      iss: 'Azure Container Registry',
      aud: registry.loginServer,
      version: '1.0',
      grant_type: kind === 'refresh' ? 'refresh_token' : 'access_token',
      ...(scope && { access: scope }),
    });
    store.tokens.set(token, { kind, registry: registry.name, clientId, ...(scope && { scope }), expiresAt: exp * 1000 });
    return token;
  };
  const repoOr404 = (ctx: RouteContext): Map<string, TagState> | Reply => {
    const repo = ctx.params.repo!;
    return registryOf(ctx).repos.get(repo) ?? acrError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name: repo });
  };
  return [
    {
      method: 'POST',
      pattern: '/registries/{registry}/oauth2/exchange',
      handler(ctx) {
        const f = form(ctx);
        if (f.grant_type !== 'access_token') return acrError(400, 'UNSUPPORTED', `grant type '${f.grant_type ?? ''}' is not supported by this emulator`);
        const registry = registryOf(ctx);
        if (!f.service || store.find(f.service) !== registry) return acrError(400, 'DENIED', `invalid service '${f.service ?? ''}'`);
        const check = identity.verifyBearer(`Bearer ${f.access_token ?? ''}`, AAD_AUDIENCES, ctx.now);
        if (!check.ok) return acrError(401, 'UNAUTHORIZED', `failed to validate the AAD access token: ${check.problem}`);
        return json(200, { refresh_token: issue('refresh', registry, check.token.clientId, ctx.now) });
      },
    },
    {
      // `docker login` with a token: the Docker token flow, Basic credentials on a GET.
      method: 'GET',
      pattern: '/registries/{registry}/oauth2/token',
      handler(ctx) {
        const registry = registryOf(ctx);
        const basic = basicCredentials(ctx.req.headers.authorization ?? '');
        if (!basic || !store.basicAuth(registry.name, basic.user, basic.password)) {
          return acrError(401, 'UNAUTHORIZED', 'authentication required, visit https://aka.ms/acr/authorization for more information.', undefined, {
            'WWW-Authenticate': `Basic realm="${registry.loginServer}"`,
          });
        }
        return json(200, { access_token: issue('access', registry, basic.user, ctx.now, ctx.req.query.scope ?? '') });
      },
    },
    {
      method: 'POST',
      pattern: '/registries/{registry}/oauth2/token',
      handler(ctx) {
        const f = form(ctx);
        const registry = registryOf(ctx);
        if (f.grant_type !== 'refresh_token') return acrError(400, 'UNSUPPORTED', `grant type '${f.grant_type ?? ''}' is not supported by this emulator`);
        const refresh = store.tokens.get(f.refresh_token ?? '');
        if (refresh?.kind !== 'refresh' || refresh.registry !== registry.name || refresh.expiresAt <= ctx.now) {
          return acrError(401, 'UNAUTHORIZED', 'invalid or expired refresh token');
        }
        if (!f.scope) return acrError(400, 'DENIED', 'scope is required');
        return json(200, { access_token: issue('access', registry, refresh.clientId, ctx.now, f.scope) });
      },
    },
    {
      // Docker's API version check, the first request of `docker login`.
      method: 'GET',
      pattern: '/registries/{registry}/v2',
      handler(ctx) {
        const registry = registryOf(ctx);
        const auth = ctx.req.headers.authorization ?? '';
        const bearer = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
        const access = bearer === undefined ? undefined : store.tokens.get(bearer);
        const basic = basicCredentials(auth);
        const ok =
          (access?.kind === 'access' && access.registry === registry.name && access.expiresAt > ctx.now) ||
          (basic !== undefined && store.basicAuth(registry.name, basic.user, basic.password));
        if (ok) return json(200, {});
        return acrError(401, 'UNAUTHORIZED', 'authentication required, visit https://aka.ms/acr/authorization for more information.', null, {
          'WWW-Authenticate': `Bearer realm="${ctx.baseUrl}/registries/${registry.name}/oauth2/token",service="${registry.loginServer}"`,
        });
      },
    },
    {
      method: 'GET',
      pattern: '/registries/{registry}/acr/v1/_catalog',
      handler(ctx) {
        const registry = registryOf(ctx);
        const names = [...registry.repos.keys()].sort();
        const p = page(names, (n) => n, ctx, store.pageSize, '/acr/v1/_catalog');
        return json(200, { repositories: p.items }, p.headers);
      },
    },
    {
      method: 'GET',
      pattern: '/registries/{registry}/acr/v1/{repo}/_tags',
      handler(ctx) {
        const repo = repoOr404(ctx);
        if (!(repo instanceof Map)) return repo;
        const orderby = ctx.req.query.orderby;
        const tags = [...repo.values()].sort((a, b) =>
          orderby === 'timedesc' ? b.updated - a.updated : orderby === 'timeasc' ? a.updated - b.updated : a.name.localeCompare(b.name),
        );
        const p = page(tags, (t) => t.name, ctx, store.pageSize, `/acr/v1/${encodeURIComponent(ctx.params.repo!)}/_tags`);
        return json(200, { registry: registryOf(ctx).loginServer, imageName: ctx.params.repo, tags: p.items.map(tagJson) }, p.headers);
      },
    },
    {
      method: 'GET',
      pattern: '/registries/{registry}/acr/v1/{repo}/_tags/{tag}',
      handler(ctx) {
        const repo = repoOr404(ctx);
        if (!(repo instanceof Map)) return repo;
        const tag = repo.get(ctx.params.tag!);
        if (!tag) return acrError(404, 'TAG_UNKNOWN', 'the specified tag does not exist', { Tag: ctx.params.tag });
        return json(200, { registry: registryOf(ctx).loginServer, imageName: ctx.params.repo, tag: tagJson(tag) });
      },
    },
    {
      method: 'GET',
      pattern: '/registries/{registry}/acr/v1/{repo}/_manifests/{digest}',
      handler(ctx) {
        const repo = repoOr404(ctx);
        if (!(repo instanceof Map)) return repo;
        const digest = ctx.params.digest!;
        const tags = [...repo.values()].filter((t) => t.digest === digest);
        // A manifest copied without a tag is served by digest with `tags: []`.
        const untagged = registryOf(ctx).untagged.get(ctx.params.repo!)?.get(digest);
        const times = [...tags, ...(untagged ? [untagged] : [])];
        if (times.length === 0) return acrError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { Digest: digest });
        return json(200, {
          registry: registryOf(ctx).loginServer,
          imageName: ctx.params.repo,
          manifest: {
            digest,
            imageSize: 0,
            createdTime: iso(Math.min(...times.map((t) => t.created))),
            lastUpdateTime: iso(Math.max(...times.map((t) => t.updated))),
            architecture: 'amd64',
            os: 'linux',
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            tags: tags.map((t) => t.name).sort(),
            changeableAttributes: { ...CHANGEABLE, quarantineState: 'Passed' },
          },
        });
      },
    },
  ];
}

/** The scope a data request needs, as ACR names it in its challenge. */
function requiredScope(ctx: RouteContext): string {
  return ctx.params.repo === undefined ? 'registry:catalog:*' : `repository:${ctx.params.repo}:metadata_read`;
}

/** The registry data-plane family: everything under `/registries/`. */
export function registryDataFamily(store: RegistryDataStore, identity: EntraIdentity): FamilyPolicy {
  const router = new Router();
  router.add(...routes(store, identity));
  return {
    name: 'acr-data',
    router,
    claims: (path) => /^\/registries\/[^/]+(\/|$)/i.test(path),
    guard(_route, ctx) {
      const name = decodeURIComponent(/^\/registries\/([^/]+)/i.exec(ctx.req.path)?.[1] ?? '');
      const registry = store.find(name);
      // A real unknown registry is a DNS failure; the closest HTTP answer is a 404.
      if (!registry) return acrError(404, 'NAME_UNKNOWN', `registry '${name}' does not exist in the emulator`);
      store.catchUp(registry.name);
      // The token endpoints and Docker's `/v2/` check authenticate in their handlers.
      if (/\/oauth2\/(exchange|token)$/i.test(ctx.req.path) || /^\/registries\/[^/]+\/v2\/?$/i.test(ctx.req.path)) return undefined;
      const scope = requiredScope(ctx);
      const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '';
      const token = store.tokens.get(bearer);
      const ok = token?.kind === 'access' && token.registry === registry.name && token.expiresAt > ctx.now && (token.scope ?? '').split(' ').includes(scope);
      if (ok) return undefined;
      const [type, resource, action] = scope.split(':');
      return acrError(
        401,
        'UNAUTHORIZED',
        'authentication required, visit https://aka.ms/acr/authorization for more information.',
        [{ Type: type, Name: resource, Action: action }],
        { 'WWW-Authenticate': `Bearer realm="${ctx.baseUrl}/registries/${registry.name}/oauth2/token",service="${registry.loginServer}",scope="${scope}"` },
      );
    },
    notFound: (ctx) => acrError(404, 'NOT_FOUND', `the emulated registry has no endpoint ${ctx.req.method} ${ctx.req.path}`),
    fault: (fault) =>
      acrError(
        fault.status,
        fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE',
        'injected fault',
        undefined,
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': fault.retryAfterSeconds } : {},
      ),
    decorate: (reply) =>
      withHeaders(reply, {
        'Docker-Distribution-Api-Version': 'registry/2.0',
        'X-Content-Type-Options': 'nosniff',
        'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
        'X-Ms-Correlation-Request-Id': randomUUID(),
      }),
  };
}
