import { AzureOperationError } from '../../src/core/azure-errors.ts';
import type { RegistryToken } from '../../src/core/credentials/ports.ts';
import type { RegistryAdmin, RegistryView, ReplicationView } from '../../src/core/registry/ports.ts';
import type { RegistryRef } from '../../src/core/registry-ref.ts';
import { notFaked } from './not-faked.ts';

/**
 * The ARM side of one registry (contosodev in East US) in memory: its tokens, scope maps and
 * replicas. `calls` lists the changes in order; `setAdminUser` throws until a test sets it.
 */
export class FakeRegistryAdmin implements RegistryAdmin {
  readonly calls: string[] = [];
  readonly tokens = new Map<string, RegistryToken>();
  readonly replicas = new Map<string, ReplicationView>();
  sku = 'Premium';
  /** The next replica delete removes the replica, then fails as a dropped connection would. */
  failAfterDelete = false;

  async get(_ref: RegistryRef): Promise<RegistryView> {
    return { name: 'contosodev', location: 'eastus', loginServer: 'contosodev.azurecr.io', sku: this.sku, adminUserEnabled: false };
  }
  async setAdminUser(_ref: RegistryRef, _enabled: boolean): Promise<RegistryView> {
    return notFaked('RegistryAdmin', 'setAdminUser');
  }
  async putScopeMap(_ref: RegistryRef, name: string, actions: string[], _description: string): Promise<string> {
    this.calls.push(`scopeMap ${name} ${actions.join(',')}`);
    return `/scopeMaps/${name}`;
  }
  async getToken(_ref: RegistryRef, name: string): Promise<RegistryToken | undefined> {
    return this.tokens.get(name);
  }
  async putToken(_ref: RegistryRef, name: string, scopeMapId: string): Promise<RegistryToken> {
    this.calls.push(`token ${name} ${scopeMapId}`);
    const token = { id: `/tokens/${name}`, name, status: 'enabled', passwords: [] };
    this.tokens.set(name, token);
    return token;
  }
  async listReplications(_ref: RegistryRef): Promise<ReplicationView[]> {
    return [...this.replicas.values()];
  }
  async startReplication(_ref: RegistryRef, name: string, location: string): Promise<ReplicationView> {
    this.calls.push(`replicate ${location}`);
    const replica = { name, location, provisioningState: 'Creating' };
    this.replicas.set(name, replica);
    return replica;
  }
  async getReplication(_ref: RegistryRef, name: string): Promise<ReplicationView | undefined> {
    return this.replicas.get(name);
  }
  async startReplicationDelete(_ref: RegistryRef, name: string): Promise<'accepted' | 'absent'> {
    this.calls.push(`delete ${name}`);
    if (!this.replicas.delete(name)) return 'absent';
    if (this.failAfterDelete) {
      this.failAfterDelete = false;
      throw new AzureOperationError('connection reset', { transient: true, hint: 'try again' });
    }
    return 'accepted';
  }
}
