/**
 * Building blocks the registry-core routes share (tokens.ts, scope-maps.ts, replications.ts,
 * registry.ts): long-running operations as ACR reports them at api-version 2025-11-01, and
 * `$skipToken` paging.
 *
 * An operation URL hangs off the resource it acts on, as in the spec examples:
 * `{resource id}/operationStatuses/{prefix}-{guid}?api-version=…` (`tokens-`, `scopemaps-`,
 * `replications-`, `registries-`). One store serves them all, so any route that resolves
 * `…/operationStatuses/{operationId}` under the right resource answers any of them:
 *
 * | kind | sent as | answer at the URL |
 * |---|---|---|
 * | `status` | `Azure-AsyncOperation` + `Retry-After` | 200 `{id, name, status: InProgress\|Succeeded, startTime, endTime?}` |
 * | `location` | `Location` + `Retry-After` | 202 + `Location` + `Retry-After` while running, then 200 with the result (or no body) |
 *
 * An operation URL under another resource, or an unknown one, gets 404 `OperationNotFound`.
 *
 * Sources: learn.microsoft.com/azure/azure-resource-manager/management/async-operations
 * (Azure-AsyncOperation vs Location, Retry-After, the status body); the URL forms: the 2025-11-01
 * examples (TokenCreate.json, RegistryGenerateCredentials.json). OperationNotFound's wording and the
 * one-second Retry-After are assumed.
 */
import { armError, badRequest } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import type { Route, RouteContext } from '../router.ts';
import type { EmulatedRegistry } from './registry.ts';

/** Seconds the operation answers tell the SDK to wait before polling (it honours them over its own interval). */
export const RETRY_AFTER_S = 1;

/** How ACR prefixes operation ids, per resource type. */
export type OperationPrefix = 'tokens' | 'scopemaps' | 'replications' | 'registries';

/** An accepted long-running operation. */
export interface ArmOperation {
  /** `{prefix}-{guid}`. */
  id: string;
  /** `status`: an Azure-AsyncOperation status document; `location`: 202 until done, then `result`. */
  kind: 'status' | 'location';
  /** ARM id of the resource the operation URL hangs off, lower case. */
  resourceId: string;
  startedAt: number;
  readyAt: number;
  url: string;
  /** Location operations: the final 200 body (none → empty 200). */
  result?: unknown;
}

/** Resolves the registry of a request, then hands it to the handler (routes.ts builds it). */
export type WithRegistry = (fn: (registry: EmulatedRegistry, ctx: RouteContext) => Reply) => (ctx: RouteContext) => Reply;

export const iso = (ms: number): string => new Date(ms).toISOString();

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pending and finished operations of all registries, by lower-case operation id. */
export class ArmOperations {
  readonly #byId = new Map<string, ArmOperation>();

  /** Registers an operation of `durationMs` whose URL hangs off `resourceId`. */
  start(ctx: RouteContext, resourceId: string, prefix: OperationPrefix, kind: ArmOperation['kind'], durationMs: number, result?: unknown): ArmOperation {
    const id = `${prefix}-${guid()}`;
    const apiVersion = ctx.req.query['api-version'] ?? '2025-11-01';
    const op: ArmOperation = {
      id,
      kind,
      resourceId: resourceId.toLowerCase(),
      startedAt: ctx.now,
      readyAt: ctx.now + Math.max(0, durationMs),
      url: `${ctx.baseUrl}${resourceId}/operationStatuses/${id}?api-version=${encodeURIComponent(apiVersion)}`,
      ...(result !== undefined && { result }),
    };
    this.#byId.set(id.toLowerCase(), op);
    return op;
  }

  /** The answer at an operation URL under `resourceId`. */
  reply(resourceId: string, operationId: string, now: number): Reply {
    const op = this.#byId.get(operationId.toLowerCase());
    if (!op || op.resourceId !== resourceId.toLowerCase()) return armError(404, 'OperationNotFound', `The operation '${operationId}' could not be found.`);
    const done = now >= op.readyAt;
    if (op.kind === 'location') {
      if (!done) return empty(202, locationHeaders(op));
      return op.result === undefined ? empty(200) : json(200, op.result);
    }
    return json(200, {
      id: op.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, ''),
      name: op.id,
      status: done ? 'Succeeded' : 'InProgress',
      startTime: iso(op.startedAt),
      ...(done && { endTime: iso(op.readyAt) }),
    });
  }
}

/** Headers of an answer that starts an Azure-AsyncOperation LRO. */
export function asyncOperationHeaders(op: ArmOperation): Record<string, string | number> {
  return { 'Azure-AsyncOperation': op.url, 'Retry-After': RETRY_AFTER_S };
}

/** Headers of an answer that starts (or continues) a Location LRO. */
export function locationHeaders(op: ArmOperation): Record<string, string | number> {
  return { Location: op.url, 'Retry-After': RETRY_AFTER_S };
}

/** `GET {pattern}/operationStatuses/{operationId}`, where `resourceIdOf` names the resource `pattern` points at. */
export function operationStatusRoute(
  pattern: string,
  operations: ArmOperations,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
  resourceIdOf: (registry: EmulatedRegistry, ctx: RouteContext) => string,
): Route {
  return {
    method: 'GET',
    pattern: `${pattern}/operationStatuses/{operationId}`,
    apiVersions,
    handler: withRegistry((registry, ctx) => operations.reply(resourceIdOf(registry, ctx), ctx.params.operationId!, ctx.now)),
  };
}

/**
 * One page of `all` for a list request: `$skipToken` is the base64url offset of the page,
 * `nextLink` repeats the request path with the api-version and the next offset.
 */
export function listPage<T>(all: readonly T[], ctx: RouteContext, pageSize: number, toJson: (item: T) => unknown): Reply {
  const skip = ctx.req.query.$skipToken;
  const offset = skip === undefined ? 0 : Number(Buffer.from(skip, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return badRequest('InvalidSkipToken', 'The $skipToken is not valid.');
  const page = all.slice(offset, offset + Math.max(1, pageSize));
  const next = offset + page.length;
  let nextLink: string | undefined;
  if (next < all.length) {
    const query = new URLSearchParams({
      'api-version': ctx.req.query['api-version'] ?? '2025-11-01',
      $skipToken: Buffer.from(String(next)).toString('base64url'),
    });
    nextLink = `${ctx.baseUrl}${ctx.req.path}?${query.toString()}`;
  }
  return json(200, { value: page.map(toJson), ...(nextLink && { nextLink }) });
}
