/**
 * Geo-replicas of a registry, as `@azure/arm-containerregistry@11` calls them (api-version
 * 2025-11-01; any dated version is accepted), relative to
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`.
 * Status codes, headers, bodies and operation URLs follow the 2025-11-01 spec examples
 * (`ReplicationCreate.json`, `ReplicationList.json`, `ReplicationDelete.json`):
 *
 * | endpoint | answer |
 * |---|---|
 * | `GET /replications` | 200 `{value, nextLink?}`: the home replica first (a Premium registry always has one, named after its location), then the others by name, `pageSize` per page; `{value: []}` for a Basic / Standard registry |
 * | `GET /replications/{name}` | 200 Replication, or ARM's 404 `ResourceNotFound` |
 * | `PUT /replications/{name}` `{location, tags?, properties: {regionEndpointEnabled?, zoneRedundancy?}}` | new: 201 Replication, `Creating` (status `Provisioning`), + `Azure-AsyncOperation` + `Retry-After`; `Succeeded` (status `Ready`) once `operationMs` has passed. Existing: 200, `Updating`, same headers. The home replica's own name and location: 200 home replica, no LRO (ACR accepts it as a no-op) |
 * | `PATCH /replications/{name}` `{tags?, properties: {regionEndpointEnabled?}}` | 201 Replication, `Updating`, + `Azure-AsyncOperation` + `Retry-After` (the SDK then GETs it); 200 for the home replica |
 * | `DELETE /replications/{name}` | 202 + `Location` + `Retry-After`: the replica shows `Deleting` and the location answers 202 until `operationMs` has passed, then 200 and the replica is gone; 204 when there is no such replica |
 * | `GET /replications/{name}/operationStatuses/replications-{id}` | the PUT / PATCH status or the DELETE location (see operations.ts) |
 *
 * Refusals:
 *
 * | request | answer |
 * |---|---|
 * | PUT on a Basic / Standard registry | 400 `ReplicationNotSupported` "Replications are only supported for managed registries in Premium SKU." (the CLI's wording; the code is the emulator's) |
 * | PUT without `location` | ARM's 400 `LocationRequired` |
 * | PUT to a location that is no Azure region ACR serves | ARM's 400 `LocationNotAvailableForResourceType` |
 * | a new replica in the home location, or where another replica already is | 400 `ReplicationAlreadyExists` (the emulator's code; the home-location wording is the CLI's) |
 * | PUT / PATCH changing an existing replica's location | ARM's 400 `InvalidResourceLocation` |
 * | PUT changing an existing replica's `zoneRedundancy` (ACR cannot change it in place) | 400 `InvalidParameter` |
 * | PUT on a replica being deleted | 409 `Conflict` |
 * | DELETE of the home replica | 400 `HomeReplicationCannotBeDeleted` (ACR's code; the message is the emulator's) |
 * | a name that is not 5-50 letters and digits | 400 `InvalidParameter` |
 *
 * ACR does not tie a replica's name to its location (the spec example names one `myReplication`);
 * `az acr replication create` names it after the location by default. Locations are compared
 * and shown normalized (`West US` → `westus`).
 */
import { armError, badRequest, resourceNotFound } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { Route } from '../router.ts';
import { asyncOperationHeaders, iso, isObject, isReply, listPage, locationHeaders, operationStatusRoute } from './operations.ts';
import type { ArmOperations, WithRegistry } from './operations.ts';
import type { EmulatedRegistry } from './registry.ts';

const REPLICATION_TYPE = 'Microsoft.ContainerRegistry/registries/replications';

/** Azure regions that offer ACR (normalized names). */
export const ACR_REGIONS: readonly string[] = [
  'eastus',
  'eastus2',
  'westus',
  'westus2',
  'westus3',
  'centralus',
  'northcentralus',
  'southcentralus',
  'westcentralus',
  'canadacentral',
  'canadaeast',
  'brazilsouth',
  'brazilsoutheast',
  'mexicocentral',
  'northeurope',
  'westeurope',
  'uksouth',
  'ukwest',
  'francecentral',
  'francesouth',
  'germanywestcentral',
  'germanynorth',
  'switzerlandnorth',
  'switzerlandwest',
  'norwayeast',
  'norwaywest',
  'swedencentral',
  'polandcentral',
  'italynorth',
  'spaincentral',
  'eastasia',
  'southeastasia',
  'japaneast',
  'japanwest',
  'koreacentral',
  'koreasouth',
  'centralindia',
  'southindia',
  'westindia',
  'australiaeast',
  'australiasoutheast',
  'australiacentral',
  'australiacentral2',
  'newzealandnorth',
  'uaenorth',
  'uaecentral',
  'qatarcentral',
  'israelcentral',
  'southafricanorth',
  'southafricawest',
];

export type ZoneRedundancy = 'Enabled' | 'Disabled';

export interface EmulatedReplication {
  id: string;
  name: string;
  /** Normalized location. */
  location: string;
  tags: Record<string, string>;
  regionEndpointEnabled: boolean;
  zoneRedundancy: ZoneRedundancy;
  created: number;
  /** An operation in progress: the provisioning state it shows until `until` (a `Deleting` replica is gone after it). */
  busy?: { state: 'Creating' | 'Updating' | 'Deleting'; until: number };
}

/** A replica as tests see it (`AcrEmulator.replications`). */
export interface ReplicationSnapshot {
  name: string;
  location: string;
  /** The registry's own replica (named after its location; cannot be deleted). */
  home: boolean;
  /** `Creating` / `Updating` / `Deleting` while an operation runs, else `Succeeded`. */
  provisioningState: string;
  regionEndpointEnabled: boolean;
  zoneRedundancy: ZoneRedundancy;
  tags: Record<string, string>;
}

/** Replicas besides the home one, per registry (lower-case registry name → lower-case replica name → replica). */
export class ReplicationStore {
  readonly #byRegistry = new Map<string, Map<string, EmulatedReplication>>();
  /** Replicas per `replications.list` page before a `nextLink`. */
  pageSize = 20;
  /** How long PUT / PATCH / DELETE report "in progress" (Creating, Updating, Deleting). */
  operationMs = 0;

  /** The registry's stored replicas at `now`: replicas whose deletion has finished are dropped. */
  of(registry: string, now: number): Map<string, EmulatedReplication> {
    const key = registry.toLowerCase();
    let replicas = this.#byRegistry.get(key);
    if (!replicas) {
      replicas = new Map();
      this.#byRegistry.set(key, replicas);
    }
    for (const [name, r] of replicas) if (r.busy?.state === 'Deleting' && now >= r.busy.until) replicas.delete(name);
    return replicas;
  }
}

/** `West US` → `westus`. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/** The home replica of a Premium registry: named after the registry's location, always `Succeeded`. */
export function homeReplica(registry: EmulatedRegistry): EmulatedReplication {
  const location = normalizeLocation(registry.location);
  return {
    id: `${registry.id}/replications/${location}`,
    name: location,
    location,
    tags: {},
    regionEndpointEnabled: true,
    zoneRedundancy: registry.zoneRedundancy,
    created: registry.createdAt,
  };
}

function isHome(registry: EmulatedRegistry, name: string): boolean {
  return name.toLowerCase() === normalizeLocation(registry.location);
}

/** Every replica of the registry at `now`: home first, then by name; none unless Premium. */
export function allReplications(store: ReplicationStore, registry: EmulatedRegistry, now: number): EmulatedReplication[] {
  if (registry.sku !== 'Premium') return [];
  const others = [...store.of(registry.name, now).values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  return [homeReplica(registry), ...others];
}

function provisioningState(r: EmulatedReplication, now: number): string {
  return r.busy && now < r.busy.until ? r.busy.state : 'Succeeded';
}

/** The replica as ARM shows it. */
export function replicationJson(r: EmulatedReplication, now: number): Record<string, unknown> {
  const state = provisioningState(r, now);
  const status =
    state === 'Creating'
      ? { displayStatus: 'Provisioning', message: 'The replication is provisioning.', timestamp: iso(r.created) }
      : { displayStatus: 'Ready', message: 'The replication is ready.', timestamp: iso(r.busy?.state === 'Creating' ? r.busy.until : r.created) };
  return {
    id: r.id,
    name: r.name,
    type: REPLICATION_TYPE,
    location: r.location,
    tags: { ...r.tags },
    properties: { provisioningState: state, status, regionEndpointEnabled: r.regionEndpointEnabled, zoneRedundancy: r.zoneRedundancy },
  };
}

/** A replica as `AcrEmulator.replications` shows it. */
export function replicationSnapshot(registry: EmulatedRegistry, r: EmulatedReplication, now: number): ReplicationSnapshot {
  return {
    name: r.name,
    location: r.location,
    home: isHome(registry, r.name),
    provisioningState: provisioningState(r, now),
    regionEndpointEnabled: r.regionEndpointEnabled,
    zoneRedundancy: r.zoneRedundancy,
    tags: { ...r.tags },
  };
}

/** Declares a finished replica in `location` named after it (test setup). Throws what ACR would refuse. */
export function seedReplication(store: ReplicationStore, registry: EmulatedRegistry, location: string, now: number): void {
  const normalized = normalizeLocation(location);
  if (registry.sku !== 'Premium') throw new Error(`Registry '${registry.name}' is ${registry.sku}: geo-replication needs Premium.`);
  if (!ACR_REGIONS.includes(normalized)) throw new Error(`'${location}' is not an Azure region ACR serves.`);
  if (normalized === normalizeLocation(registry.location)) throw new Error(`'${location}' is the home location of registry '${registry.name}'.`);
  const replicas = store.of(registry.name, now);
  if (replicas.has(normalized)) throw new Error(`Registry '${registry.name}' already has a replica in '${normalized}'.`);
  replicas.set(normalized, {
    id: `${registry.id}/replications/${normalized}`,
    name: normalized,
    location: normalized,
    tags: {},
    regionEndpointEnabled: true,
    zoneRedundancy: 'Disabled',
    created: now,
  });
}

interface ReplicationProps {
  location?: string;
  tags?: Record<string, string>;
  regionEndpointEnabled?: boolean;
  zoneRedundancy?: ZoneRedundancy;
}

/** Validates a PUT (`create`) or PATCH body. */
function readBody(body: unknown, create: boolean, registry: EmulatedRegistry): ReplicationProps | Reply {
  if (body !== undefined && !isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const out: ReplicationProps = {};
  const { location, tags, properties } = body ?? {};
  if (create) {
    if (location === undefined || location === null || location === '')
      return armError(400, 'LocationRequired', 'The location property is required for this definition.');
    if (typeof location !== 'string') return badRequest('InvalidRequestContent', "The 'location' of the request must be a string.");
    const normalized = normalizeLocation(location);
    const regions = ACR_REGIONS.includes(normalizeLocation(registry.location)) ? ACR_REGIONS : [...ACR_REGIONS, normalizeLocation(registry.location)];
    if (!regions.includes(normalized)) {
      return armError(
        400,
        'LocationNotAvailableForResourceType',
        `The provided location '${location}' is not available for resource type '${REPLICATION_TYPE}'. List of available regions for the resource type is '${regions.join(',')}'.`,
      );
    }
    out.location = normalized;
  }
  if (tags !== undefined) {
    if (!isObject(tags) || Object.values(tags).some((v) => typeof v !== 'string'))
      return badRequest('InvalidRequestContent', "The 'tags' of the request must be an object of strings.");
    out.tags = { ...(tags as Record<string, string>) };
  }
  if (properties !== undefined) {
    if (!isObject(properties)) return badRequest('InvalidRequestContent', "The 'properties' of the request must be an object.");
    const { regionEndpointEnabled, zoneRedundancy } = properties;
    if (regionEndpointEnabled !== undefined) {
      if (typeof regionEndpointEnabled !== 'boolean')
        return badRequest(
          'InvalidParameter',
          `The value '${String(regionEndpointEnabled)}' of 'regionEndpointEnabled' is not valid; it must be true or false.`,
        );
      out.regionEndpointEnabled = regionEndpointEnabled;
    }
    if (create && zoneRedundancy !== undefined) {
      if (zoneRedundancy !== 'Enabled' && zoneRedundancy !== 'Disabled')
        return badRequest('InvalidParameter', `The value '${String(zoneRedundancy)}' of 'zoneRedundancy' is not valid; it must be 'Enabled' or 'Disabled'.`);
      out.zoneRedundancy = zoneRedundancy;
    }
  }
  return out;
}

function locationChanged(r: EmulatedReplication, location: string): Reply {
  return armError(
    400,
    'InvalidResourceLocation',
    `The resource '${r.name}' already exists in location '${r.location}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
  );
}

/** The replication routes. */
export function replicationRoutes(
  registryPattern: string,
  replications: ReplicationStore,
  operations: ArmOperations,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
): Route[] {
  /** A stored replica or the home one, at `now`. */
  const find = (registry: EmulatedRegistry, name: string, now: number): EmulatedReplication | undefined => {
    if (registry.sku !== 'Premium') return undefined;
    if (isHome(registry, name)) return homeReplica(registry);
    return replications.of(registry.name, now).get(name.toLowerCase());
  };
  const notFound = (registry: EmulatedRegistry, name: string) => resourceNotFound(REPLICATION_TYPE, `${registry.name}/${name}`, registry.resourceGroup);
  const validName = (name: string) =>
    /^[a-zA-Z0-9]{5,50}$/.test(name)
      ? undefined
      : badRequest('InvalidParameter', `The replication name '${name}' is not valid: it must be 5-50 letters and digits.`);

  return [
    {
      method: 'GET',
      pattern: `${registryPattern}/replications`,
      apiVersions,
      handler: withRegistry((registry, ctx) =>
        listPage(allReplications(replications, registry, ctx.now), ctx, replications.pageSize, (r) => replicationJson(r, ctx.now)),
      ),
    },
    {
      method: 'GET',
      pattern: `${registryPattern}/replications/{replicationName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const r = find(registry, ctx.params.replicationName!, ctx.now);
        return r ? json(200, replicationJson(r, ctx.now)) : notFound(registry, ctx.params.replicationName!);
      }),
    },
    {
      method: 'PUT',
      pattern: `${registryPattern}/replications/{replicationName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.replicationName!;
        const invalid = validName(name);
        if (invalid) return invalid;
        if (registry.sku !== 'Premium') return badRequest('ReplicationNotSupported', 'Replications are only supported for managed registries in Premium SKU.');
        const props = readBody(ctx.req.body, true, registry);
        if (isReply(props)) return props;
        const location = props.location!;
        const home = normalizeLocation(registry.location);
        if (isHome(registry, name)) {
          const r = homeReplica(registry);
          return location === home ? json(200, replicationJson(r, ctx.now)) : locationChanged(r, location);
        }
        const stored = replications.of(registry.name, ctx.now);
        const existing = stored.get(name.toLowerCase());
        if (existing) {
          if (existing.busy?.state === 'Deleting')
            return armError(409, 'Conflict', `The replication '${existing.name}' is being deleted; try again when the deletion has finished.`);
          if (existing.location !== location) return locationChanged(existing, location);
          if (props.zoneRedundancy !== undefined && props.zoneRedundancy !== existing.zoneRedundancy) {
            return badRequest(
              'InvalidParameter',
              `The zone redundancy of replication '${existing.name}' cannot be changed; delete the replication and create it again.`,
            );
          }
          if (props.tags) existing.tags = props.tags;
          if (props.regionEndpointEnabled !== undefined) existing.regionEndpointEnabled = props.regionEndpointEnabled;
          const op = operations.start(ctx, existing.id, 'replications', 'status', replications.operationMs);
          existing.busy = { state: 'Updating', until: op.readyAt };
          return json(200, replicationJson(existing, ctx.now), asyncOperationHeaders(op));
        }
        if (location === home) return badRequest('ReplicationAlreadyExists', 'Replication could not be created in the same location as the registry.');
        const sameLocation = [...stored.values()].find((r) => r.location === location && r.busy?.state !== 'Deleting');
        if (sameLocation)
          return badRequest(
            'ReplicationAlreadyExists',
            `The registry '${registry.name}' already has the replication '${sameLocation.name}' in location '${location}'.`,
          );
        const replica: EmulatedReplication = {
          id: `${registry.id}/replications/${name}`,
          name,
          location,
          tags: props.tags ?? {},
          regionEndpointEnabled: props.regionEndpointEnabled ?? true,
          zoneRedundancy: props.zoneRedundancy ?? 'Disabled',
          created: ctx.now,
        };
        // A replica still being deleted under this name is replaced by the new one.
        stored.set(name.toLowerCase(), replica);
        const op = operations.start(ctx, replica.id, 'replications', 'status', replications.operationMs);
        replica.busy = { state: 'Creating', until: op.readyAt };
        return json(201, replicationJson(replica, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${registryPattern}/replications/{replicationName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.replicationName!;
        const r = find(registry, name, ctx.now);
        if (!r || r.busy?.state === 'Deleting') return notFound(registry, name);
        const props = readBody(ctx.req.body, false, registry);
        if (isReply(props)) return props;
        if (isHome(registry, name)) return json(200, replicationJson(r, ctx.now));
        if (props.tags) r.tags = props.tags;
        if (props.regionEndpointEnabled !== undefined) r.regionEndpointEnabled = props.regionEndpointEnabled;
        const op = operations.start(ctx, r.id, 'replications', 'status', replications.operationMs);
        r.busy = { state: 'Updating', until: op.readyAt };
        return json(201, replicationJson(r, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${registryPattern}/replications/{replicationName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.replicationName!;
        const r = find(registry, name, ctx.now);
        if (!r) return empty(204);
        if (isHome(registry, name)) {
          return badRequest(
            'HomeReplicationCannotBeDeleted',
            `The replication '${r.name}' is in the home location of registry '${registry.name}' and cannot be deleted; delete the registry instead.`,
          );
        }
        const until = r.busy?.state === 'Deleting' ? r.busy.until : ctx.now + Math.max(0, replications.operationMs);
        const op = operations.start(ctx, r.id, 'replications', 'location', until - ctx.now);
        r.busy = { state: 'Deleting', until };
        return empty(202, locationHeaders(op));
      }),
    },
    operationStatusRoute(
      `${registryPattern}/replications/{replicationName}`,
      operations,
      withRegistry,
      apiVersions,
      (registry, ctx) => `${registry.id}/replications/${ctx.params.replicationName!}`,
    ),
  ];
}
