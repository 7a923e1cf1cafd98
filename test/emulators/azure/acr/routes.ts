/**
 * ACR's ARM endpoints as `@azure/arm-containerregistry@11.0.0` calls them. Runs use
 * api-version 2019-06-01-preview (2025-03-01-preview, the tasks package's, is accepted too);
 * the registry itself any dated version (the SDK sends 2025-11-01). Paths are relative to
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`:
 *
 * | endpoint | answer |
 * |---|---|
 * | `GET ` (the registry) | 200 Registry |
 * | `POST /scheduleRun` | 200 Run, Queued; no polling headers, so the SDK's LRO ends on this answer. `DockerBuildRequest` (a quick build) or `TaskRunRequest` (a run of a task, see tasks.ts); 400 `TasksOperationsNotAllowed` in a subscription without ACR Tasks |
 * | `GET /runs` | 200 `{value, nextLink?}`, newest first; `$filter` (the spec's RunFilter, see filter.ts; 400 `InvalidFilter` otherwise, code assumed), `$top` |
 * | `GET /runs/{id}` | 200 Run |
 * | `PATCH /runs/{id}` | 200 Run (`isArchiveEnabled`) |
 * | `POST /runs/{id}/listLogSasUrl` | 200 `{logLink}`, plus `logArtifactLink` for a run with a `logTemplate` |
 * | `POST /runs/{id}/cancel` | 200, or 202 + `Location` when `cancelDelayMs` > 0 |
 *
 * Tokens and `generateCredentials`: see tokens.ts. Scope maps: scope-maps.ts. Geo-replicas:
 * replications.ts. Registry `PATCH`, `listCredentials`, `regenerateCredential`: registry.ts. Tasks: see tasks.ts;
 * runs their triggers start: triggers.ts. `POST /importImage` and its Location: import-image.ts.
 */
import { badRequest } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import type { Route, RouteContext } from '../router.ts';
import { parseRunFilter } from './filter.ts';
import { issueLogLinks } from './log-blob.ts';
import type { EmulatedRegistry } from './registry.ts';
import { registryAdminRoutes, registryJson } from './registry.ts';
import { replicationRoutes } from './replications.ts';
import { findScopeMap, scopeMapRoutes } from './scope-maps.ts';
import { advance, endRun, isTerminal, runJson } from './run.ts';
import type { DockerBuildRequest, EmulatedRun } from './run.ts';
import type { AcrStore } from './store.ts';
import { scheduleTaskRun, taskRoutes } from './tasks.ts';
import { importRoutes } from './import-image.ts';
import { checkTokenPassword, tokenRoutes } from './tokens.ts';

const REGISTRY = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}';
// The version @azure/arm-containerregistry 11 sends for runs and tasks (its operation specs).
const RUNS_API = '2019-06-01-preview';
const RUN_VERSIONS = [RUNS_API, '2025-03-01-preview'] as const;
const CORE_VERSIONS = /^20\d\d-\d\d-\d\d(-preview)?$/;

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
}

/**
 * Validates a RunRequest the way ACR would, for the DockerBuildRequest the emulator runs:
 * `dockerFilePath` and `platform` required, timeout 300–28800 s (DockerBuildRequest in
 * containerregistry_build.json); error codes and wording assumed.
 */
function validateRunRequest(body: unknown): DockerBuildRequest | Reply {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  const request = body as Partial<DockerBuildRequest> & { type?: string };
  if (request.type !== 'DockerBuildRequest') {
    return badRequest('BadRequest', `The emulator only runs 'DockerBuildRequest' run requests, not '${String(request.type)}'.`);
  }
  if (!request.dockerFilePath) return badRequest('BadRequest', "The 'dockerFilePath' property is required.");
  if (!request.platform?.os) return badRequest('BadRequest', "The 'platform.os' property is required.");
  if ((request.isPushEnabled ?? true) && !request.imageNames?.length) {
    return badRequest('BadRequest', 'At least one image name is required when isPushEnabled is true.');
  }
  if (request.timeout !== undefined && (request.timeout < 300 || request.timeout > 28800)) {
    return badRequest('BadRequest', `The timeout ${request.timeout} is out of range: it must be between 300 and 28800 seconds.`);
  }
  return request as DockerBuildRequest;
}

/**
 * ACR Tasks refused for the subscription (free trial, some sponsored offers), as quoted in
 * Azure-Samples/contoso-chat#259 and Azure-Samples/azure-search-openai-demo#2220 and #2592.
 */
function tasksNotPermitted(registry: EmulatedRegistry): Reply {
  return json(400, {
    error: {
      code: 'TasksOperationsNotAllowed',
      message: `ACR Tasks requests for the registry ${registry.name} and ${registry.subscriptionId} are not permitted. Please file an Azure support request at http://aka.ms/azuresupport for assistance.`,
      target: 'request',
    },
  });
}

interface PageToken {
  /** Only runs created before this sequence number. */
  before: number;
  /** Runs already returned (counts against `$top`). */
  returned: number;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string | undefined): PageToken | undefined {
  if (!text) return undefined;
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    return typeof token.before === 'number' && typeof token.returned === 'number' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `runs.list`: latest first (az's `--top` "Limit the number of latest runs", acr/_params.py),
 * `{value, nextLink}` paging (x-ms-pageable in the spec); the page size and `$skipToken` form are assumed.
 */
function listRuns(store: AcrStore, registry: EmulatedRegistry, ctx: RouteContext): Reply {
  const { $filter: filter, $top: topText, $skipToken: skipToken } = ctx.req.query;
  const predicate = filter ? parseRunFilter(filter) : undefined;
  if (predicate && !predicate.ok) return badRequest('InvalidFilter', predicate.message);
  const top = topText === undefined ? undefined : Number(topText);
  if (top !== undefined && (!Number.isInteger(top) || top < 1)) return badRequest('InvalidParameter', `The value '${topText}' of $top is not valid.`);
  const token = decodeToken(skipToken);
  if (skipToken && !token) return badRequest('InvalidParameter', 'The $skipToken is not valid.');

  const runs = [...registry.runs.values()];
  for (const run of runs) advance(run, ctx.now);
  const matching = runs
    .filter((r) => (token ? r.seq < token.before : true))
    .filter((r) => !predicate?.ok || predicate.test(r))
    .sort((a, b) => b.seq - a.seq);
  const returned = token?.returned ?? 0;
  const budget = top === undefined ? Infinity : top - returned;
  const page = matching.slice(0, Math.max(0, Math.min(store.pageSize, budget)));
  const more = page.length > 0 && matching.length > page.length && returned + page.length < (top ?? Infinity);
  let nextLink: string | undefined;
  if (more) {
    const query = new URLSearchParams({ 'api-version': ctx.req.query['api-version'] ?? RUNS_API });
    if (filter) query.set('$filter', filter);
    if (top !== undefined) query.set('$top', String(top));
    query.set('$skipToken', encodeToken({ before: page.at(-1)!.seq, returned: returned + page.length }));
    nextLink = `${ctx.baseUrl}${ctx.req.path}?${query.toString()}`;
  }
  return json(200, { value: page.map(runJson), ...(nextLink && { nextLink }) });
}

/**
 * `runs/{id}/cancel`: 200 (RunsCancel.json) or 202 + Location, which the spec allows
 * (x-ms-long-running-operation) and the SDK polls; when ACR answers 202, and the operationResults path, are assumed.
 */
function cancelRun(store: AcrStore, run: EmulatedRun, ctx: RouteContext): Reply {
  if (isTerminal(run.status)) return empty(200);
  const delay = store.timing.cancelDelayMs;
  endRun(run, 'Canceled', ctx.now + Math.max(0, delay), ctx.now);
  if (delay <= 0) return empty(200);
  const operationId = guid();
  store.cancelOperations.set(operationId, run);
  return empty(202, { Location: operationLocation(ctx, run, operationId) });
}

function operationLocation(ctx: RouteContext, run: EmulatedRun, operationId: string): string {
  const { subscriptionId, location } = run.registry;
  return `${ctx.baseUrl}/subscriptions/${subscriptionId}/providers/Microsoft.ContainerRegistry/locations/${location}/operationResults/${operationId}?api-version=${RUNS_API}`;
}

/** The ACR routes over `store`. */
export function acrRoutes(store: AcrStore): Route[] {
  /** Resolves the registry in the path, then hands it to `fn`. */
  const withRegistry =
    (fn: (registry: EmulatedRegistry, ctx: RouteContext) => Reply) =>
    (ctx: RouteContext): Reply => {
      const { subscriptionId, resourceGroupName, registryName } = ctx.params;
      const registry = store.resolve(subscriptionId!, resourceGroupName!, registryName!);
      return isReply(registry) ? registry : fn(registry, ctx);
    };
  /** Resolves registry and run. */
  const withRun = (fn: (run: EmulatedRun, ctx: RouteContext) => Reply) =>
    withRegistry((registry, ctx) => {
      const run = store.resolveRun(registry, ctx.params.runId!, ctx.now);
      return isReply(run) ? run : fn(run, ctx);
    });

  return [
    ...tokenRoutes(REGISTRY, store.tokens, withRegistry, CORE_VERSIONS, (registry, name) => findScopeMap(store.scopeMaps, registry, name) !== undefined),
    ...scopeMapRoutes(REGISTRY, store.scopeMaps, store.operations, withRegistry, CORE_VERSIONS),
    ...replicationRoutes(REGISTRY, store.replications, store.operations, withRegistry, CORE_VERSIONS),
    ...registryAdminRoutes(REGISTRY, store.operations, withRegistry, CORE_VERSIONS, (registry, now) => store.replications.of(registry.name, now).size > 0),
    ...taskRoutes(REGISTRY, store.tasks, withRegistry, RUN_VERSIONS),
    ...importRoutes(
      REGISTRY,
      store.imports,
      {
        find: (name) => store.registries.get(name.toLowerCase()),
        byLoginServer: (loginServer) => store.byLoginServer(loginServer),
        checkTokenPassword: (registry, username, password, now) => checkTokenPassword(store.tokens, registry, username, password, now),
      },
      withRegistry,
      CORE_VERSIONS,
    ),
    { method: 'GET', pattern: REGISTRY, apiVersions: CORE_VERSIONS, handler: withRegistry((registry) => json(200, registryJson(registry))) },
    {
      method: 'POST',
      // 200 + the Queued run (RegistriesScheduleRun.json, 2019-06-01-preview).
      pattern: `${REGISTRY}/scheduleRun`,
      apiVersions: RUN_VERSIONS,
      handler: withRegistry((registry, ctx) => {
        if (store.tasksNotPermitted.has(registry.subscriptionId.toLowerCase())) return tasksNotPermitted(registry);
        const body = ctx.req.body as { type?: unknown } | undefined;
        if (typeof body === 'object' && body !== null && !Array.isArray(body) && body.type === 'TaskRunRequest') {
          const run = scheduleTaskRun(store, registry, body as Record<string, unknown>, ctx.now);
          return isReply(run) ? run : json(200, runJson(run));
        }
        const request = validateRunRequest(ctx.req.body);
        if (isReply(request)) return request;
        return json(200, runJson(store.schedule(registry, request, ctx.now)));
      }),
    },
    { method: 'GET', pattern: `${REGISTRY}/runs`, apiVersions: RUN_VERSIONS, handler: withRegistry((registry, ctx) => listRuns(store, registry, ctx)) },
    { method: 'GET', pattern: `${REGISTRY}/runs/{runId}`, apiVersions: RUN_VERSIONS, handler: withRun((run) => json(200, runJson(run))) },
    {
      method: 'PATCH',
      pattern: `${REGISTRY}/runs/{runId}`,
      apiVersions: RUN_VERSIONS,
      handler: withRun((run, ctx) => {
        const patch = ctx.req.body as { isArchiveEnabled?: unknown } | undefined;
        if (typeof patch?.isArchiveEnabled === 'boolean') run.isArchiveEnabled = patch.isArchiveEnabled;
        return json(200, runJson(run));
      }),
    },
    {
      method: 'POST',
      pattern: `${REGISTRY}/runs/{runId}/listLogSasUrl`,
      apiVersions: RUN_VERSIONS,
      handler: withRun((run, ctx) => json(200, issueLogLinks(run, ctx.baseUrl, ctx.now, store.logLinkTtlMs))),
    },
    { method: 'POST', pattern: `${REGISTRY}/runs/{runId}/cancel`, apiVersions: RUN_VERSIONS, handler: withRun((run, ctx) => cancelRun(store, run, ctx)) },
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/locations/{location}/operationResults/{operationId}',
      handler: (ctx) => {
        const run = store.cancelOperations.get(ctx.params.operationId!);
        if (!run) return badRequest('InvalidOperationId', `The operation '${ctx.params.operationId}' was not found.`);
        advance(run, ctx.now);
        return isTerminal(run.status) ? empty(200) : empty(202, { Location: operationLocation(ctx, run, ctx.params.operationId!) });
      },
    },
  ];
}
