/**
 * Scope maps of a registry (the repository permissions a token gets), as
 * `@azure/arm-containerregistry@11` calls them (api-version 2025-11-01; any dated version is
 * accepted), relative to
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`.
 * Spec examples are in Azure/azure-rest-api-specs, specification/containerregistry/resource-manager/
 * Microsoft.ContainerRegistry/Registry/stable/2025-11-01/examples ("spec" below).
 *
 * | endpoint | answer | source |
 * |---|---|---|
 * | `GET /scopeMaps` | 200 `{value, nextLink?}`: the system-defined maps (`type: "SystemDefined"`), then the registry's own (`type: "UserDefined"`) by name, `pageSize` per page | spec ScopeMapList.json; the five system maps and their actions: learn.microsoft.com "Repository-scoped permissions" (built-in scope maps); order assumed |
 * | `GET /scopeMaps/{name}` | 200 ScopeMap, or ARM's 404 `ResourceNotFound` | spec ScopeMapGet.json; 404: ARM's common envelope (assumed code) |
 * | `PUT /scopeMaps/{name}` `{properties: {description?, actions}}` | 201 (new) / 200 (existing) ScopeMap + `Azure-AsyncOperation` (`…/scopeMaps/{name}/operationStatuses/scopemaps-{id}`) + `Retry-After` | spec ScopeMapCreate.json; `Retry-After` assumed |
 * | `PATCH /scopeMaps/{name}` `{properties: {description?, actions?}}` | 201 ScopeMap + `Azure-AsyncOperation` + `Retry-After` (the SDK then GETs it) | spec ScopeMapUpdate.json |
 * | `DELETE /scopeMaps/{name}` | 202 + `Location` + `Retry-After` (the location answers 200); 204 when there is no such map | spec ScopeMapDelete.json |
 *
 * Operations take `operationMs` (default 0: done at the first poll; assumed). 400
 * `InvalidParameter` (the emulator's wording, assumed) for: a name that is not 5-50 letters,
 * digits, `-` and `_` (spec parameter `scopeMapName`: pattern `^[a-zA-Z0-9-_]*$`, min 5, max 50);
 * a PUT / PATCH / DELETE of a system-defined map (assumed); no actions (spec: `actions` required);
 * actions that are not ACR actions or a description over 256 characters (assumed limits).
 * ACR's actions are `repositories/<repository>/<content/read | content/write | content/delete |
 * metadata/read | metadata/write>` (the repository may end in a `*` wildcard) and, for connected
 * registries, `gateway/<name>/<config/read | config/write | message/read | message/write>`
 * (learn.microsoft.com "Repository-scoped permissions", and "Connected registry" access; the spec
 * example's `repositories/myrepository/contentWrite` is not one of them). Tokens may only name a
 * scope map that exists (tokens.ts, assumed).
 */
import { badRequest, resourceNotFound } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { Route } from '../router.ts';
import { asyncOperationHeaders, iso, isObject, isReply, listPage, locationHeaders, operationStatusRoute } from './operations.ts';
import type { ArmOperations, WithRegistry } from './operations.ts';
import type { EmulatedRegistry } from './registry.ts';

const SCOPE_MAP_TYPE = 'Microsoft.ContainerRegistry/registries/scopeMaps';

/** The scope maps every registry has, as ACR defines them. */
export const SYSTEM_SCOPE_MAPS: readonly { name: string; description: string; actions: readonly string[] }[] = [
  {
    name: '_repositories_admin',
    description: 'Can perform all read, write and delete operations on the registry',
    actions: [
      'repositories/*/metadata/read',
      'repositories/*/metadata/write',
      'repositories/*/content/read',
      'repositories/*/content/write',
      'repositories/*/content/delete',
    ],
  },
  { name: '_repositories_pull', description: 'Can pull any repository of the registry', actions: ['repositories/*/content/read'] },
  {
    name: '_repositories_pull_metadata_read',
    description: 'Can perform all read operations on the registry',
    actions: ['repositories/*/content/read', 'repositories/*/metadata/read'],
  },
  {
    name: '_repositories_push',
    description: 'Can push to any repository of the registry',
    actions: ['repositories/*/content/read', 'repositories/*/content/write'],
  },
  {
    name: '_repositories_push_metadata_write',
    description: 'Can perform all read and write operations on the registry',
    actions: ['repositories/*/metadata/read', 'repositories/*/metadata/write', 'repositories/*/content/read', 'repositories/*/content/write'],
  },
];

export type ScopeMapType = 'SystemDefined' | 'UserDefined';

export interface EmulatedScopeMap {
  id: string;
  name: string;
  type: ScopeMapType;
  description?: string;
  actions: string[];
  created: number;
  busy?: { state: 'Creating' | 'Updating'; until: number };
}

/** A scope map as tests see it (`AcrEmulator.scopeMap`). */
export interface ScopeMapSnapshot {
  id: string;
  name: string;
  type: ScopeMapType;
  description?: string;
  actions: string[];
}

/** User-defined scope maps per registry (lower-case registry name → lower-case map name → map). */
export class ScopeMapStore {
  readonly #byRegistry = new Map<string, Map<string, EmulatedScopeMap>>();
  /** Scope maps per `scopeMaps.list` page before a `nextLink`. */
  pageSize = 20;
  /** How long PUT / PATCH / DELETE operations report "in progress". */
  operationMs = 0;

  of(registry: string): Map<string, EmulatedScopeMap> {
    const key = registry.toLowerCase();
    let maps = this.#byRegistry.get(key);
    if (!maps) {
      maps = new Map();
      this.#byRegistry.set(key, maps);
    }
    return maps;
  }
}

const REPOSITORY_ACTIONS = ['content/read', 'content/write', 'content/delete', 'metadata/read', 'metadata/write'];
const GATEWAY_ACTIONS = ['config/read', 'config/write', 'message/read', 'message/write'];
/** One path component of a repository name (the OCI distribution grammar). */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:\\*|${COMPONENT}(?:/${COMPONENT})*(?:/\\*)?)$`);

/** Whether ACR accepts `action` in a scope map. */
export function validScopeMapAction(action: string): boolean {
  const repo = /^repositories\/(.+)\/((?:content|metadata)\/[a-z]+)$/.exec(action);
  if (repo) return REPOSITORY_ACTIONS.includes(repo[2]!) && REPOSITORY.test(repo[1]!);
  const gateway = /^gateway\/([a-zA-Z0-9-]{5,50})\/((?:config|message)\/[a-z]+)$/.exec(action);
  return gateway !== null && GATEWAY_ACTIONS.includes(gateway[2]!);
}

/** ACR's scope map name rule (the SDK checks it client-side too). */
export function validScopeMapName(name: string): boolean {
  return /^[a-zA-Z0-9_-]{5,50}$/.test(name);
}

function systemScopeMap(registry: EmulatedRegistry, name: string): EmulatedScopeMap | undefined {
  const system = SYSTEM_SCOPE_MAPS.find((m) => m.name === name.toLowerCase());
  return (
    system && {
      id: `${registry.id}/scopeMaps/${system.name}`,
      name: system.name,
      type: 'SystemDefined',
      description: system.description,
      actions: [...system.actions],
      created: registry.createdAt,
    }
  );
}

/** A scope map of the registry, system-defined or not, or `undefined`. */
export function findScopeMap(store: ScopeMapStore, registry: EmulatedRegistry, name: string): EmulatedScopeMap | undefined {
  return systemScopeMap(registry, name) ?? store.of(registry.name).get(name.toLowerCase());
}

/** All scope maps of the registry: system-defined first, then the others by name. */
export function allScopeMaps(store: ScopeMapStore, registry: EmulatedRegistry): EmulatedScopeMap[] {
  const own = [...store.of(registry.name).values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  return [...SYSTEM_SCOPE_MAPS.map((m) => systemScopeMap(registry, m.name)!), ...own];
}

function provisioningState(m: EmulatedScopeMap, now: number): string {
  return m.busy && now < m.busy.until ? m.busy.state : 'Succeeded';
}

/** The scope map as ARM shows it. */
export function scopeMapJson(m: EmulatedScopeMap, now: number): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    type: SCOPE_MAP_TYPE,
    properties: {
      ...(m.description !== undefined && { description: m.description }),
      type: m.type,
      creationDate: iso(m.created),
      provisioningState: provisioningState(m, now),
      actions: [...m.actions],
    },
  };
}

export function scopeMapSnapshot(m: EmulatedScopeMap): ScopeMapSnapshot {
  return { id: m.id, name: m.name, type: m.type, ...(m.description !== undefined && { description: m.description }), actions: [...m.actions] };
}

/** Checks description and actions; `undefined` when valid. Also used by `AcrEmulator.addScopeMap`. */
export function scopeMapProblem(actions: unknown, description: unknown, actionsRequired: boolean): string | undefined {
  if (description !== undefined && (typeof description !== 'string' || description.length > 256))
    return 'The description of a scope map must be a string of at most 256 characters.';
  if (actions === undefined && !actionsRequired) return undefined;
  if (!Array.isArray(actions) || actions.length === 0) return "The 'actions' of the scope map are required: at least one action.";
  const bad = (actions as unknown[]).find((a) => typeof a !== 'string' || !validScopeMapAction(a));
  if (bad !== undefined) {
    return `The action '${String(bad)}' is not valid. Repository actions are 'repositories/<repository>/<content/read|content/write|content/delete|metadata/read|metadata/write>'; gateway actions are 'gateway/<connected registry>/<config/read|config/write|message/read|message/write>'.`;
  }
  return undefined;
}

/** Validates a PUT / PATCH body. */
function readBody(body: unknown, create: boolean): { description?: string; actions?: string[] } | Reply {
  if (body !== undefined && !isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const props = body?.properties;
  if (props !== undefined && !isObject(props)) return badRequest('InvalidRequestContent', "The 'properties' of the request must be an object.");
  const { description, actions } = props ?? {};
  const problem = scopeMapProblem(actions, description, create);
  if (problem) return badRequest('InvalidParameter', problem);
  return { ...(typeof description === 'string' && { description }), ...(Array.isArray(actions) && { actions: [...(actions as string[])] }) };
}

/** The scope map routes. */
export function scopeMapRoutes(
  registryPattern: string,
  scopeMaps: ScopeMapStore,
  operations: ArmOperations,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
): Route[] {
  const notFound = (registry: EmulatedRegistry, name: string) => resourceNotFound(SCOPE_MAP_TYPE, `${registry.name}/${name}`, registry.resourceGroup);
  /** 400 for a name ACR refuses or a system-defined map, else `undefined`. */
  const refuseName = (registry: EmulatedRegistry, name: string, verb: string): Reply | undefined => {
    if (!validScopeMapName(name))
      return badRequest('InvalidParameter', `The scope map name '${name}' is not valid: it must be 5-50 letters, digits, hyphens and underscores.`);
    if (systemScopeMap(registry, name)) return badRequest('InvalidParameter', `The scope map '${name}' is system-defined and cannot be ${verb}.`);
    return undefined;
  };

  return [
    {
      method: 'GET',
      pattern: `${registryPattern}/scopeMaps`,
      apiVersions,
      handler: withRegistry((registry, ctx) => listPage(allScopeMaps(scopeMaps, registry), ctx, scopeMaps.pageSize, (m) => scopeMapJson(m, ctx.now))),
    },
    {
      method: 'GET',
      pattern: `${registryPattern}/scopeMaps/{scopeMapName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const m = findScopeMap(scopeMaps, registry, ctx.params.scopeMapName!);
        return m ? json(200, scopeMapJson(m, ctx.now)) : notFound(registry, ctx.params.scopeMapName!);
      }),
    },
    {
      method: 'PUT',
      pattern: `${registryPattern}/scopeMaps/{scopeMapName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.scopeMapName!;
        const refused = refuseName(registry, name, 'changed');
        if (refused) return refused;
        const props = readBody(ctx.req.body, true);
        if (isReply(props)) return props;
        const maps = scopeMaps.of(registry.name);
        const existing = maps.get(name.toLowerCase());
        const m: EmulatedScopeMap = existing ?? { id: `${registry.id}/scopeMaps/${name}`, name, type: 'UserDefined', actions: [], created: ctx.now };
        m.actions = props.actions!;
        if (props.description !== undefined) m.description = props.description;
        else delete m.description;
        maps.set(name.toLowerCase(), m);
        const op = operations.start(ctx, m.id, 'scopemaps', 'status', scopeMaps.operationMs);
        m.busy = { state: existing ? 'Updating' : 'Creating', until: op.readyAt };
        return json(existing ? 200 : 201, scopeMapJson(m, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${registryPattern}/scopeMaps/{scopeMapName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.scopeMapName!;
        const refused = refuseName(registry, name, 'changed');
        if (refused) return refused;
        const m = scopeMaps.of(registry.name).get(name.toLowerCase());
        if (!m) return notFound(registry, name);
        const props = readBody(ctx.req.body, false);
        if (isReply(props)) return props;
        if (props.actions) m.actions = props.actions;
        if (props.description !== undefined) m.description = props.description;
        const op = operations.start(ctx, m.id, 'scopemaps', 'status', scopeMaps.operationMs);
        m.busy = { state: 'Updating', until: op.readyAt };
        return json(201, scopeMapJson(m, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${registryPattern}/scopeMaps/{scopeMapName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.scopeMapName!;
        if (systemScopeMap(registry, name)) return badRequest('InvalidParameter', `The scope map '${name}' is system-defined and cannot be deleted.`);
        const maps = scopeMaps.of(registry.name);
        const m = maps.get(name.toLowerCase());
        if (!m) return empty(204);
        maps.delete(name.toLowerCase());
        const op = operations.start(ctx, m.id, 'scopemaps', 'location', scopeMaps.operationMs);
        return empty(202, locationHeaders(op));
      }),
    },
    operationStatusRoute(
      `${registryPattern}/scopeMaps/{scopeMapName}`,
      operations,
      withRegistry,
      apiVersions,
      (registry, ctx) => `${registry.id}/scopeMaps/${ctx.params.scopeMapName!}`,
    ),
  ];
}
