import type { ContainerGroupRef, ContainerGroupSpec, ContainerGroupView, DeployPoll, ResourceGroupRef } from './container-group.ts';

export type * from './container-group.ts';

/**
 * Port over Azure Container Instances. Deployment is split in two so a job can persist the
 * resume token between steps: after a crash it resumes polling the same operation instead of
 * issuing a second, possibly different, PUT.
 */
export interface ContainerGroups {
  /** Sends the PUT; the token is opaque, safe to persist, and holds no secrets. */
  beginDeploy(ref: ContainerGroupRef, spec: ContainerGroupSpec): Promise<{ resumeToken: string }>;
  /**
   * One poll of the operation, without sleeping (the job waits with durable delays).
   * A failed deployment is a result (`error`), not a rejection; rejections are Azure refusing
   * or being unreachable.
   */
  pollDeploy(resumeToken: string): Promise<DeployPoll>;
  get(ref: ContainerGroupRef): Promise<ContainerGroupView>;
  /** Like `get`, but `undefined` when there is no such group. */
  find(ref: ContainerGroupRef): Promise<ContainerGroupView | undefined>;
  list(scope: ResourceGroupRef): Promise<ContainerGroupView[]>;
  /** The container's log, optionally only the last `tail` lines. */
  logs(ref: ContainerGroupRef, container: string, tail?: number): Promise<string>;
  restart(ref: ContainerGroupRef): Promise<void>;
  stop(ref: ContainerGroupRef): Promise<void>;
  start(ref: ContainerGroupRef): Promise<void>;
  /** Returns once the group is gone (ARM's delete operation finished); succeeds when it already was. */
  delete(ref: ContainerGroupRef): Promise<void>;
}

/** Reads secrets from Key Vault. */
export interface SecretReader {
  /** Rejects with `SecretNotFoundError` when the vault has no such secret. */
  getSecret(vaultUrl: string, name: string): Promise<string>;
}

/** Identifies a container registry in ARM. */
export interface RegistryResourceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Resolves tags to digests, so a deployment pins what was approved. */
export interface RegistryTags {
  resolveDigest(registry: RegistryResourceRef, repository: string, tag: string): Promise<{ loginServer: string; digest: string }>;
  /** Repository names, sorted. */
  listRepositories(registry: RegistryResourceRef): Promise<string[]>;
  /** Tags of a repository with their digests, newest first unless `orderby` says otherwise. */
  listTags(
    registry: RegistryResourceRef,
    repository: string,
    options: { top: number; orderby: 'time_desc' | 'time_asc' },
  ): Promise<{ name: string; digest: string; createdOn?: string }[]>;
  /** The registry's login server as ARM reports it (sovereign clouds and custom domains differ). */
  loginServer(registry: RegistryResourceRef): Promise<string>;
}
