/** Container registries declared by tests, and their ARM representation (api-version 2025-11-01). */
import type { EmulatedRun } from './run.ts';

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
  /** Default `Standard`. */
  sku?: 'Basic' | 'Standard' | 'Premium';
  /** Run id prefix, e.g. `ca` → runs `ca1`, `ca2`, … Default: `ca` for the first registry, `cb` for the second, … */
  runIdPrefix?: string;
  /** Default `false`. */
  adminUserEnabled?: boolean;
}

/** A registry with its runs. */
export interface EmulatedRegistry {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  loginServer: string;
  sku: 'Basic' | 'Standard' | 'Premium';
  runIdPrefix: string;
  adminUserEnabled: boolean;
  createdAt: number;
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
    createdAt: now,
    id: `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${options.name}`,
    runCount: 0,
    runs: new Map(),
  };
}

/** The registry as `GET …/registries/{name}` returns it. */
export function registryJson(registry: EmulatedRegistry): object {
  const created = new Date(registry.createdAt).toISOString();
  return {
    sku: { name: registry.sku, tier: registry.sku },
    type: 'Microsoft.ContainerRegistry/registries',
    id: registry.id,
    name: registry.name,
    location: registry.location,
    tags: {},
    systemData: { createdAt: created, lastModifiedAt: created, createdByType: 'User', lastModifiedByType: 'User' },
    properties: {
      loginServer: registry.loginServer,
      creationDate: created,
      provisioningState: 'Succeeded',
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
      zoneRedundancy: 'Disabled',
      anonymousPullEnabled: false,
      metadataSearch: 'Disabled',
    },
  };
}
