/**
 * Container registries declared by tests, their ARM representation (api-version 2025-11-01),
 * and the registry-level admin endpoints as `@azure/arm-containerregistry@11` calls them,
 * relative to `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`:
 *
 * | endpoint | answer |
 * |---|---|
 * | `GET ` | 200 Registry (`sku`, `tags`, `adminUserEnabled`, `zoneRedundancy`, …), shaped as RegistryGet.json (2025-11-01) |
 * | `PATCH ` (RegistryUpdateParameters: `sku`, `tags`, `properties.adminUserEnabled`) | 201 Registry, `Updating`, + `Azure-AsyncOperation` (`…/operationStatuses/registries-{id}`) + `Retry-After`; the status is `Succeeded` at the first poll and the SDK then GETs the registry. 400 `InvalidParameter` for an unknown sku or a non-boolean `adminUserEnabled`; 400 `RegistrySkuDowngradeNotSupported` (emulator's code) when leaving Premium while geo-replicas other than the home one exist |
 * | `POST /listCredentials` | 200 `{username: <registry name>, passwords: [{name: "password", value}, {name: "password2", value}]}`, or, with the admin user disabled, ACR's 400 `UnAuthorizedForCredentialOperations` |
 * | `POST /regenerateCredential` `{name: "password"\|"password2"}` | 200, same shape, that password replaced; same 400 when the admin user is disabled |
 *
 * Changes take effect when the PATCH is accepted. `tags` in a PATCH replace the registry's tags;
 * `zoneRedundancy` is set when the registry is declared (ACR cannot change it later). The admin
 * passwords are created when the admin user is first enabled and kept when it is disabled.
 */
import { randomBytes } from 'node:crypto';
import { badRequest } from '../arm-errors.ts';
import { json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { Route } from '../router.ts';
import { asyncOperationHeaders, isObject } from './operations.ts';
import type { ArmOperations, WithRegistry } from './operations.ts';
import type { EmulatedRun } from './run.ts';

export type RegistrySku = 'Basic' | 'Standard' | 'Premium';
const SKUS: readonly RegistrySku[] = ['Basic', 'Standard', 'Premium'];

/** Options of `AcrEmulator.addRegistry`. */
export interface RegistryOptions {
  /** Must be a GUID: the v11 SDK refuses anything else client-side. */
  subscriptionId: string;
  resourceGroup: string;
  /** Registry name, 5–50 alphanumerics; ARM compares it case-insensitively. */
  name: string;
  /** Default `eastus`. */
  location?: string;
  /** Default `${name}.azurecr.io` (lower case). */
  loginServer?: string;
  /** Default `Standard`. Geo-replication needs `Premium`. */
  sku?: RegistrySku;
  /** Run id prefix, e.g. `ca` → runs `ca1`, `ca2`, … Default: `ca` for the first registry, `cb` for the second, … */
  runIdPrefix?: string;
  /** Default `false`. */
  adminUserEnabled?: boolean;
  /** Default `Disabled`; also the home replica's. */
  zoneRedundancy?: 'Enabled' | 'Disabled';
  /** Geo-replicas that already exist besides the home one, by location (named after it), e.g. `['westus']`. Premium only. */
  replications?: string[];
}

/** A registry with its runs. */
export interface EmulatedRegistry {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  loginServer: string;
  sku: RegistrySku;
  runIdPrefix: string;
  adminUserEnabled: boolean;
  /** Admin passwords (`password`, `password2`), created when the admin user is first enabled. */
  adminPasswords?: { password: string; password2: string };
  zoneRedundancy: 'Enabled' | 'Disabled';
  tags: Record<string, string>;
  createdAt: number;
  lastModifiedAt: number;
  /** ARM resource id. */
  id: string;
  /** Number of runs scheduled so far (the next run id is `prefix + (runCount + 1)`). */
  runCount: number;
  /** Runs by lower-case run id. */
  runs: Map<string, EmulatedRun>;
}

/** `ca`, `cb`, … `cz`, `da`, …: ACR run ids start with a per-registry two-letter prefix. */
export function defaultRunIdPrefix(ordinal: number): string {
  return `${String.fromCharCode(99 + Math.floor(ordinal / 26))}${String.fromCharCode(97 + (ordinal % 26))}`;
}

/** Creates the registry record. */
export function createRegistry(options: RegistryOptions, ordinal: number, now: number): EmulatedRegistry {
  if (!/^[a-zA-Z0-9]{5,50}$/.test(options.name)) {
    throw new Error(`Registry name '${options.name}' is invalid: ACR names are 5-50 letters and digits.`);
  }
  return {
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    name: options.name,
    location: options.location ?? 'eastus',
    loginServer: options.loginServer ?? `${options.name.toLowerCase()}.azurecr.io`,
    sku: options.sku ?? 'Standard',
    runIdPrefix: options.runIdPrefix ?? defaultRunIdPrefix(ordinal),
    adminUserEnabled: options.adminUserEnabled ?? false,
    ...(options.adminUserEnabled && { adminPasswords: { password: adminPassword(), password2: adminPassword() } }),
    zoneRedundancy: options.zoneRedundancy ?? 'Disabled',
    tags: {},
    createdAt: now,
    lastModifiedAt: now,
    id: `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${options.name}`,
    runCount: 0,
    runs: new Map(),
  };
}

/** An admin password like ACR's: 52 characters of base64 without padding or `+`/`/`. */
function adminPassword(): string {
  return randomBytes(39).toString('base64').replace(/[+/]/g, 'B');
}

/** The registry as `GET …/registries/{name}` returns it (`provisioningState` `Succeeded` unless given). */
export function registryJson(registry: EmulatedRegistry, provisioningState = 'Succeeded'): object {
  const created = new Date(registry.createdAt).toISOString();
  return {
    sku: { name: registry.sku, tier: registry.sku },
    type: 'Microsoft.ContainerRegistry/registries',
    id: registry.id,
    name: registry.name,
    location: registry.location,
    tags: { ...registry.tags },
    systemData: { createdAt: created, lastModifiedAt: new Date(registry.lastModifiedAt).toISOString(), createdByType: 'User', lastModifiedByType: 'User' },
    properties: {
      loginServer: registry.loginServer,
      creationDate: created,
      provisioningState,
      adminUserEnabled: registry.adminUserEnabled,
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: created, status: 'disabled' },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: 'enabled' },
        softDeletePolicy: { retentionDays: 7, lastUpdatedTime: created, status: 'disabled' },
      },
      encryption: { status: 'disabled' },
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      zoneRedundancy: registry.zoneRedundancy,
      anonymousPullEnabled: false,
      metadataSearch: 'Disabled',
    },
  };
}

/** `listCredentials` / `regenerateCredential` body, or ACR's 400 when the admin user is disabled. */
function adminCredentials(registry: EmulatedRegistry): Reply {
  if (!registry.adminUserEnabled || !registry.adminPasswords) {
    return badRequest(
      'UnAuthorizedForCredentialOperations',
      `Cannot perform credential operations for ${registry.id} as admin user is disabled. Kindly enable admin user as per docs: https://docs.microsoft.com/en-us/azure/container-registry/container-registry-authentication#admin-account`,
    );
  }
  const { password, password2 } = registry.adminPasswords;
  return json(200, {
    username: registry.name,
    passwords: [
      { name: 'password', value: password },
      { name: 'password2', value: password2 },
    ],
  });
}

/** `PATCH` (registries.beginUpdate), `listCredentials` and `regenerateCredential` on the registry. */
export function registryAdminRoutes(
  registryPattern: string,
  operations: ArmOperations,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
  /** Whether the registry has geo-replicas besides the home one (they keep it Premium). */
  hasGeoReplicas: (registry: EmulatedRegistry, now: number) => boolean,
): Route[] {
  return [
    {
      method: 'PATCH',
      pattern: registryPattern,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const body = ctx.req.body;
        if (body !== undefined && !isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
        const { sku, tags, properties } = body ?? {};
        let newSku: RegistrySku | undefined;
        if (sku !== undefined) {
          const name = isObject(sku) ? sku.name : undefined;
          const known = SKUS.find((s) => typeof name === 'string' && s.toLowerCase() === name.toLowerCase());
          if (!known) return badRequest('InvalidParameter', `The sku '${String(name)}' is not valid; it must be one of 'Basic', 'Standard', 'Premium'.`);
          newSku = known;
        }
        if (tags !== undefined && (!isObject(tags) || Object.values(tags).some((v) => typeof v !== 'string'))) {
          return badRequest('InvalidRequestContent', "The 'tags' of the request must be an object of strings.");
        }
        if (properties !== undefined && !isObject(properties)) return badRequest('InvalidRequestContent', "The 'properties' of the request must be an object.");
        const admin = properties?.adminUserEnabled;
        if (admin !== undefined && typeof admin !== 'boolean')
          return badRequest('InvalidParameter', `The value '${String(admin)}' of 'adminUserEnabled' is not valid; it must be true or false.`);
        if (newSku && newSku !== 'Premium' && registry.sku === 'Premium' && hasGeoReplicas(registry, ctx.now)) {
          return badRequest(
            'RegistrySkuDowngradeNotSupported',
            `The registry '${registry.name}' has geo-replications; delete them before changing the sku from 'Premium' to '${newSku}'.`,
          );
        }
        if (newSku) registry.sku = newSku;
        if (tags !== undefined) registry.tags = { ...(tags as Record<string, string>) };
        if (typeof admin === 'boolean') {
          registry.adminUserEnabled = admin;
          if (admin && !registry.adminPasswords) registry.adminPasswords = { password: adminPassword(), password2: adminPassword() };
        }
        registry.lastModifiedAt = ctx.now;
        const op = operations.start(ctx, registry.id, 'registries', 'status', 0);
        return json(201, registryJson(registry, 'Updating'), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'POST',
      pattern: `${registryPattern}/listCredentials`,
      apiVersions,
      handler: withRegistry((registry) => adminCredentials(registry)),
    },
    {
      method: 'POST',
      pattern: `${registryPattern}/regenerateCredential`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = isObject(ctx.req.body) ? ctx.req.body.name : undefined;
        if (name !== 'password' && name !== 'password2')
          return badRequest('InvalidParameter', `The password name '${String(name)}' is not valid; it must be 'password' or 'password2'.`);
        if (registry.adminUserEnabled && registry.adminPasswords) registry.adminPasswords[name] = adminPassword();
        return adminCredentials(registry);
      }),
    },
  ];
}
