import type { DockerBuildSpec } from '../build/acr-builds.ts';
import type { TaskDefinition, TaskView } from '../build/task.ts';
import type { RegistryToken } from '../credentials/ports.ts';
import type { RegistryRef } from '../registry-ref.ts';

/** A registry as `/acr show` presents it. The admin password is never part of it. */
export interface RegistryView {
  name: string;
  location: string;
  loginServer: string;
  sku: string;
  adminUserEnabled: boolean;
  zoneRedundancy?: string;
  publicNetworkAccess?: string;
  provisioningState?: string;
  createdAt?: Date;
}

/** A geo-replica (the home region is one too, as ACR lists it). */
export interface ReplicationView {
  name: string;
  location: string;
  provisioningState?: string;
  /** ACR's `status.displayStatus`, e.g. Ready. */
  status?: string;
  zoneRedundancy?: string;
}

/** Port over the registry resource and its sub-resources (replications, scope maps, tokens). */
export interface RegistryAdmin {
  get(ref: RegistryRef): Promise<RegistryView>;
  /** Turns the shared admin user on or off; resolves once ACR has applied it. */
  setAdminUser(ref: RegistryRef, enabled: boolean): Promise<RegistryView>;
  listReplications(ref: RegistryRef): Promise<ReplicationView[]>;
  getReplication(ref: RegistryRef, name: string): Promise<ReplicationView | undefined>;
  /** Sends the create (idempotent PUT) and returns ACR's first answer; the job follows it with `getReplication`. */
  startReplication(ref: RegistryRef, name: string, location: string): Promise<ReplicationView>;
  /** Sends the delete; `absent` when there was nothing to delete. The job follows it with `getReplication`. */
  startReplicationDelete(ref: RegistryRef, name: string): Promise<'accepted' | 'absent'>;
  /** Creates or replaces a scope map; resolves with its ARM id once provisioned. */
  putScopeMap(ref: RegistryRef, name: string, actions: string[], description: string): Promise<string>;
  getToken(ref: RegistryRef, name: string): Promise<RegistryToken | undefined>;
  /** Creates or updates a token bound to a scope map; resolves once provisioned. */
  putToken(ref: RegistryRef, name: string, scopeMapId: string): Promise<RegistryToken>;
}

/** Port over ACR Tasks. */
export interface AcrTasks {
  list(ref: RegistryRef): Promise<TaskView[]>;
  get(ref: RegistryRef, name: string): Promise<TaskView | undefined>;
  /**
   * Creates or replaces the task in the registry's location, tagged with the job creating it;
   * `gitToken` only travels to ACR.
   */
  create(ref: RegistryRef, task: TaskDefinition, gitToken: string | undefined, options: { jobId: string }): Promise<TaskView>;
  /** Creates (or replaces) the one-off task that builds `spec` from a private repository with `gitToken`. */
  createBuildTask(ref: RegistryRef, name: string, spec: DockerBuildSpec, gitToken: string, options: { jobId: string }): Promise<TaskView>;
  /** `absent` when there was no such task. */
  delete(ref: RegistryRef, name: string): Promise<'deleted' | 'absent'>;
}
