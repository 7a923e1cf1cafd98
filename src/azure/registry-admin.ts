import type { Registry, Replication } from '@azure/arm-containerregistry';
import type { RegistryToken } from '../core/credentials/ports.ts';
import type { RegistryRef } from '../core/registry-ref.ts';
import type { RegistryAdmin, RegistryView, ReplicationView } from '../core/registry/ports.ts';
import { isNotFound, type AcrClients } from './acr-clients.ts';
import { toToken } from './acr-tokens.ts';
import { toAzureOperationError } from './errors.ts';

/**
 * The registry resource, its replications, scope maps and tokens through
 * `@azure/arm-containerregistry` 11 (api-version 2025-11-01). `listCredentials` (the admin
 * password) is deliberately never called.
 */
export class AzureRegistryAdmin implements RegistryAdmin {
  readonly #clients: AcrClients;

  constructor(clients: AcrClients) {
    this.#clients = clients;
  }

  async get(ref: RegistryRef): Promise<RegistryView> {
    try {
      return toRegistryView(await this.#clients.for(ref.subscriptionId).registries.get(ref.resourceGroup, ref.registry));
    } catch (err) {
      throw toAzureOperationError(err, `read registry ${ref.registry}`);
    }
  }

  async setAdminUser(ref: RegistryRef, enabled: boolean): Promise<RegistryView> {
    try {
      const client = this.#clients.for(ref.subscriptionId);
      await client.registries.beginUpdateAndWait(ref.resourceGroup, ref.registry, { adminUserEnabled: enabled });
      // The operation's final answer may be the status document; the registry itself is the truth.
      return toRegistryView(await client.registries.get(ref.resourceGroup, ref.registry));
    } catch (err) {
      throw toAzureOperationError(err, `${enabled ? 'enable' : 'disable'} the admin user of registry ${ref.registry}`);
    }
  }

  async listReplications(ref: RegistryRef): Promise<ReplicationView[]> {
    try {
      const out: ReplicationView[] = [];
      for await (const r of this.#clients.for(ref.subscriptionId).replications.list(ref.resourceGroup, ref.registry)) out.push(toReplicationView(r));
      return out;
    } catch (err) {
      throw toAzureOperationError(err, `list the replications of registry ${ref.registry}`);
    }
  }

  async getReplication(ref: RegistryRef, name: string): Promise<ReplicationView | undefined> {
    try {
      return toReplicationView(await this.#clients.for(ref.subscriptionId).replications.get(ref.resourceGroup, ref.registry, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toAzureOperationError(err, `read the ${name} replica of registry ${ref.registry}`);
    }
  }

  async startReplication(ref: RegistryRef, name: string, location: string): Promise<ReplicationView> {
    try {
      // Resolves once Azure accepted the PUT (and polled once); the job follows the rest itself.
      const poller = await this.#clients.for(ref.subscriptionId).replications.beginCreate(ref.resourceGroup, ref.registry, name, { location });
      const result = poller.getResult();
      return result ? toReplicationView(result) : { name, location, provisioningState: 'Creating' };
    } catch (err) {
      throw toAzureOperationError(err, `create a replica of registry ${ref.registry} in ${location}`);
    }
  }

  async startReplicationDelete(ref: RegistryRef, name: string): Promise<'accepted' | 'absent'> {
    if (!(await this.getReplication(ref, name))) return 'absent';
    try {
      await this.#clients.for(ref.subscriptionId).replications.beginDelete(ref.resourceGroup, ref.registry, name);
      return 'accepted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw toAzureOperationError(err, `delete the ${name} replica of registry ${ref.registry}`);
    }
  }

  async putScopeMap(ref: RegistryRef, name: string, actions: string[], description: string): Promise<string> {
    try {
      const map = await this.#clients.for(ref.subscriptionId).scopeMaps.beginCreateAndWait(ref.resourceGroup, ref.registry, name, { actions, description });
      return (
        map.id ??
        `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${ref.registry}/scopeMaps/${name}`
      );
    } catch (err) {
      throw toAzureOperationError(err, `create scope map ${name} in registry ${ref.registry}`);
    }
  }

  async getToken(ref: RegistryRef, name: string): Promise<RegistryToken | undefined> {
    try {
      return toToken(await this.#clients.for(ref.subscriptionId).tokens.get(ref.resourceGroup, ref.registry, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toAzureOperationError(err, `read token ${name} of registry ${ref.registry}`);
    }
  }

  async putToken(ref: RegistryRef, name: string, scopeMapId: string): Promise<RegistryToken> {
    try {
      return toToken(
        await this.#clients.for(ref.subscriptionId).tokens.beginCreateAndWait(ref.resourceGroup, ref.registry, name, { scopeMapId, status: 'enabled' }),
      );
    } catch (err) {
      throw toAzureOperationError(err, `create token ${name} in registry ${ref.registry}`);
    }
  }
}

function toRegistryView(r: Registry): RegistryView {
  return {
    name: r.name ?? '',
    location: r.location,
    loginServer: r.loginServer ?? '',
    sku: r.sku.name,
    adminUserEnabled: r.adminUserEnabled === true,
    ...(r.zoneRedundancy && { zoneRedundancy: r.zoneRedundancy }),
    ...(r.publicNetworkAccess && { publicNetworkAccess: r.publicNetworkAccess }),
    ...(r.provisioningState && { provisioningState: r.provisioningState }),
    ...(r.creationDate && { createdAt: r.creationDate }),
  };
}

function toReplicationView(r: Replication): ReplicationView {
  return {
    name: r.name ?? r.location,
    location: r.location,
    ...(r.provisioningState && { provisioningState: r.provisioningState }),
    ...(r.status?.displayStatus && { status: r.status.displayStatus }),
    ...(r.zoneRedundancy && { zoneRedundancy: r.zoneRedundancy }),
  };
}
