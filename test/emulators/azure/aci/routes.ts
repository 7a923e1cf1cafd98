/**
 * ACI's ARM endpoints as `@azure/arm-containerinstance@9.1.0` calls them (api 2023-05-01). Paths
 * are relative to `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups`.
 * Sources: "recording" = Azure/azure-sdk-assets `js/sdk/containerinstance/arm-containerinstance/
 * recordings/node/containerinstance_test/recording_containergroups_{create,delete,get,list}_test.json`
 * (real ACI, api 2023-05-01); "example" = Azure/azure-rest-api-specs `specification/containerinstance/
 * resource-manager/Microsoft.ContainerInstance/ContainerInstance/stable/2023-05-01/examples/<file>`.
 *
 * | endpoint | answer | source |
 * |---|---|---|
 * | `PUT /{cg}` | 201 (new) / 200 (existing), Pending group + `Azure-AsyncOperation`; 400 for bad names, bodies, unpullable images (`imageFailsAt: 'put'`), immutable changes | recording (create); immutable.ts |
 * | `GET /{cg}` | 200 group with instance views | recording (create, final GET); ContainerGroupsGet_Failed.json |
 * | `GET ` (and the subscription-wide list) | 200 `{value, nextLink?}`, by name, no instance views | ContainerGroupsListByResourceGroup.json; x-ms-pageable in containerInstance.json; the `$skipToken` form is assumed |
 * | `PATCH /{cg}` | 200 (tags only) | assumed (the SDK's `update` sends `Resource`, i.e. tags) |
 * | `DELETE /{cg}` | 200 with the group, gone at once; 204 when it does not exist | recording (delete); ContainerGroupsDelete.json lists 200/202/204, which one for "absent" is assumed |
 * | `POST /{cg}/restart` | 204 (the SDK's LRO ends on it) | containerInstance.json (200/201/202/204); 204 assumed |
 * | `POST /{cg}/stop` | 204 | ContainerGroupsStop.json |
 * | `POST /{cg}/start` | 204 when running; else 202 + `Azure-AsyncOperation` + `Location` | ContainerGroupsStart.json (202 + azure-asyncoperation, 204); `Location` and "204 when running" assumed |
 * | `GET /{cg}/containers/{c}/logs` | 200 `{content}`; `tail`, `timestamps` | ContainerListLogs.json; parameters from containerInstance.json |
 */
import { armError, badRequest } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { Route, RouteContext } from '../router.ts';
import { currentPhase, groupJson, groupState, isRunning } from './group.ts';
import type { EmulatedGroup } from './group.ts';
import { immutableDifferences, invalidContainerGroupUpdate } from './immutable.ts';
import { logContent } from './logs.ts';
import { asyncOperationUrl, operationResultReply, operationResultUrl, operationStatusReply, startOperation } from './operations.ts';
import type { AciStore } from './store.ts';
import { checkGroupBody, checkGroupName, inaccessibleImage, registryOf } from './validation.ts';

const GROUPS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups';
const GROUP = `${GROUPS}/{containerGroupName}`;
const LOCATION = '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/locations/{location}';
const VERSIONS = /^20\d\d-\d\d-\d\d(-preview)?$/;

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
}

function put(store: AciStore, ctx: RouteContext): Reply {
  const { subscriptionId, resourceGroupName, containerGroupName } = ctx.params as Record<'subscriptionId' | 'resourceGroupName' | 'containerGroupName', string>;
  const reply = ((): Reply => {
    const missingScope = store.scopes.check(subscriptionId, resourceGroupName);
    if (missingScope) return missingScope;
    const badName = checkGroupName(containerGroupName);
    if (badName) return badName;
    const body = checkGroupBody(ctx.req.body);
    if (isReply(body)) return body;
    const existing = store.resolve(subscriptionId, resourceGroupName, containerGroupName);
    if (!isReply(existing) && immutableDifferences(existing.spec, body).length > 0) return invalidContainerGroupUpdate(containerGroupName);
    const unpullable = body.properties.containers.find((c) => !store.pullable.has(registryOf(c.properties.image)));
    const imageFailure = unpullable && inaccessibleImage(unpullable.properties.image, containerGroupName);
    if (imageFailure && store.imageFailsAt === 'put') return badRequest(imageFailure.code, imageFailure.message);
    // A scripted failure is used up by this deployment even when the image fails too (test control).
    const scripted = store.takeFailure(containerGroupName);
    const failure = imageFailure ?? scripted;
    const { group, created } = store.deploy({
      subscriptionId,
      resourceGroup: resourceGroupName,
      name: containerGroupName,
      body,
      now: ctx.now,
      ...(failure && { failure }),
    });
    const op = startOperation(store, group);
    return json(created ? 201 : 200, groupJson(group, ctx.now), { 'Azure-AsyncOperation': asyncOperationUrl(ctx.baseUrl, op) });
  })();
  store.puts.push({
    subscriptionId,
    resourceGroup: resourceGroupName,
    name: containerGroupName,
    body: structuredClone(ctx.req.body),
    at: new Date(ctx.now),
    status: reply.status,
  });
  return reply;
}

interface PageToken {
  offset: number;
}

function list(store: AciStore, ctx: RouteContext, groups: EmulatedGroup[]): Reply {
  const skip = ctx.req.query.$skipToken;
  let offset = 0;
  if (skip) {
    try {
      offset = (JSON.parse(Buffer.from(skip, 'base64url').toString('utf8')) as PageToken).offset;
    } catch {
      return badRequest('InvalidSkipToken', 'The $skipToken is not valid.');
    }
  }
  const sorted = [...groups].sort((a, b) => a.name.localeCompare(b.name));
  const page = sorted.slice(offset, offset + store.pageSize);
  const next = offset + page.length;
  const query = new URLSearchParams({
    'api-version': ctx.req.query['api-version'] ?? '2023-05-01',
    $skipToken: Buffer.from(JSON.stringify({ offset: next })).toString('base64url'),
  });
  return json(200, {
    value: page.map((g) => groupJson(g, ctx.now, false)),
    ...(next < sorted.length && { nextLink: `${ctx.baseUrl}${ctx.req.path}?${query.toString()}` }),
  });
}

/** The ACI routes over `store`. */
export function aciRoutes(store: AciStore): Route[] {
  const withGroup =
    (fn: (group: EmulatedGroup, ctx: RouteContext) => Reply) =>
    (ctx: RouteContext): Reply => {
      const { subscriptionId, resourceGroupName, containerGroupName } = ctx.params;
      const group = store.resolve(subscriptionId!, resourceGroupName!, containerGroupName!);
      return isReply(group) ? group : fn(group, ctx);
    };
  const route = (method: string, pattern: string, handler: Route['handler']): Route => ({ method, pattern, apiVersions: VERSIONS, handler });

  return [
    route('GET', GROUPS, (ctx) => {
      const { subscriptionId, resourceGroupName } = ctx.params as Record<string, string>;
      const missingScope = store.scopes.check(subscriptionId!, resourceGroupName);
      if (missingScope) return missingScope;
      const groups = [...store.groups.values()].filter(
        (g) => g.subscriptionId.toLowerCase() === subscriptionId!.toLowerCase() && g.resourceGroup.toLowerCase() === resourceGroupName!.toLowerCase(),
      );
      return list(store, ctx, groups);
    }),
    route('GET', '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/containerGroups', (ctx) => {
      const sub = ctx.params.subscriptionId!;
      const missingScope = store.scopes.check(sub);
      if (missingScope) return missingScope;
      return list(
        store,
        ctx,
        [...store.groups.values()].filter((g) => g.subscriptionId.toLowerCase() === sub.toLowerCase()),
      );
    }),
    route('PUT', GROUP, (ctx) => put(store, ctx)),
    route(
      'GET',
      GROUP,
      withGroup((group, ctx) => json(200, groupJson(group, ctx.now))),
    ),
    route(
      'PATCH',
      GROUP,
      withGroup((group, ctx) => {
        const tags = (ctx.req.body as { tags?: unknown } | undefined)?.tags;
        if (tags !== undefined && (typeof tags !== 'object' || tags === null)) return badRequest('InvalidRequestContent', 'The tags must be an object.');
        if (tags) group.spec.tags = tags as Record<string, string>;
        return json(200, groupJson(group, ctx.now));
      }),
    ),
    route('DELETE', GROUP, (ctx) => {
      const { subscriptionId, resourceGroupName, containerGroupName } = ctx.params;
      const group = store.resolve(subscriptionId!, resourceGroupName!, containerGroupName!);
      // ARM answers 204 for deleting what is not there (ContainerGroupsDelete.json lists 204; assumed to mean
      // this case), but 404 for a missing resource group.
      if (isReply(group)) return group.status === 404 && !store.scopes.check(subscriptionId!, resourceGroupName) ? empty(204) : group;
      const body = groupJson(group, ctx.now);
      store.remove(group, ctx.now);
      return json(200, body);
    }),
    route(
      'POST',
      `${GROUP}/restart`,
      withGroup((group, ctx) => {
        group.phases.push({ kind: 'restart', at: ctx.now, durationMs: store.timing.restartMs });
        delete group.stoppedAt;
        return empty(204);
      }),
    ),
    route(
      'POST',
      `${GROUP}/stop`,
      withGroup((group, ctx) => {
        group.stoppedAt ??= ctx.now;
        return empty(204);
      }),
    ),
    route(
      'POST',
      `${GROUP}/start`,
      withGroup((group, ctx) => {
        // Running or still coming up: nothing to start (assumed: 204, one of the answers in ContainerGroupsStart.json).
        if (group.stoppedAt === undefined && groupState(group, ctx.now) !== 'Failed') return empty(204);
        group.phases.push({ kind: 'start', at: ctx.now, durationMs: store.timing.startMs });
        delete group.stoppedAt;
        const op = startOperation(store, group);
        return empty(202, { 'Azure-AsyncOperation': asyncOperationUrl(ctx.baseUrl, op), Location: operationResultUrl(ctx.baseUrl, op) });
      }),
    ),
    route(
      'GET',
      `${GROUP}/containers/{containerName}/logs`,
      withGroup((group, ctx) => {
        const name = ctx.params.containerName!;
        if (!group.spec.properties.containers.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
          return armError(404, 'ContainerNotFound', `The container '${name}' is not found in container group '${group.name}'.`);
        }
        const { tail, timestamps } = ctx.req.query;
        const lines = tail === undefined ? undefined : Number(tail);
        if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) return badRequest('InvalidParameter', `The value '${tail}' of tail is not valid.`);
        // Nothing has run before the first start; afterwards the log stays readable, even when stopped (assumed).
        const started = group.phases.some((p) => !p.failure && ctx.now >= p.at + p.durationMs) || isRunning(group, ctx.now);
        const text = started ? store.logText(group.name, name) : '';
        return json(200, {
          content: logContent(text, {
            ...(lines !== undefined && { tail: lines }),
            timestamps: timestamps === 'true',
            startedAt: currentPhase(group).at + currentPhase(group).durationMs,
          }),
        });
      }),
    ),
    { method: 'GET', pattern: `${LOCATION}/operations/{operationId}`, handler: (ctx) => operationStatusReply(store, ctx.params.operationId!, ctx.now) },
    {
      method: 'GET',
      pattern: `${LOCATION}/operationResults/{operationId}`,
      handler: (ctx) => operationResultReply(store, ctx.params.operationId!, ctx.baseUrl, ctx.now),
    },
  ];
}
