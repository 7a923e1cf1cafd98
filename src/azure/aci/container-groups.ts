import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import type { TokenCredential } from '@azure/identity';
import type { ContainerGroupRef, ContainerGroups, ContainerGroupSpec, ContainerGroupView, DeployPoll, ResourceGroupRef } from '../../core/deploy/ports.ts';
import { isNotFound, toAzureOperationError } from '../errors.ts';
import type { AzureClientOptions } from '../request-metrics.ts';
import { isLroCanceled, parseLroFailure } from './lro-failure.ts';
import { toContainerGroup, toView } from './mapping.ts';
import { decodeDeployToken, encodeDeployToken } from './resume-token.ts';

export interface AzureContainerGroupsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
  /** Poll interval for the operations this adapter waits for itself (start, restart, delete). */
  updateIntervalInMs?: number;
  /** Pipeline options every client gets (the request metrics policy). */
  clientOptions?: AzureClientOptions;
}

/**
 * Azure Container Instances through `@azure/arm-containerinstance` 9.1 (api 2023-05-01).
 * Deployments resume from core-lro's serialized poller state (`resumeFrom`), which restores
 * the Azure-AsyncOperation URL without sending the PUT again. One client per subscription.
 */
export class AzureContainerGroups implements ContainerGroups {
  readonly #options: AzureContainerGroupsOptions;
  readonly #clients = new Map<string, ContainerInstanceManagementClient>();

  constructor(options: AzureContainerGroupsOptions) {
    this.#options = options;
  }

  #client(subscriptionId: string): ContainerInstanceManagementClient {
    let client = this.#clients.get(subscriptionId);
    if (!client) {
      // `endpoint` sets both the base URL and the token scope (`<endpoint>/.default`).
      client = new ContainerInstanceManagementClient(this.#options.credential, subscriptionId, {
        ...this.#options.clientOptions,
        endpoint: this.#options.resourceManager,
      });
      this.#clients.set(subscriptionId, client);
    }
    return client;
  }

  #wait(): { updateIntervalInMs?: number } {
    return this.#options.updateIntervalInMs !== undefined ? { updateIntervalInMs: this.#options.updateIntervalInMs } : {};
  }

  async beginDeploy(ref: ContainerGroupRef, spec: ContainerGroupSpec): Promise<{ resumeToken: string }> {
    try {
      // The SDK sends the PUT and polls once before returning the poller.
      const poller = await this.#client(ref.subscriptionId).containerGroups.beginCreateOrUpdate(ref.resourceGroup, ref.name, toContainerGroup(spec));
      return { resumeToken: encodeDeployToken({ v: 1, ref, poller: poller.toString() }) };
    } catch (err) {
      // That first poll can already report Failed; there is no poller left to serialize then.
      const failed = parseLroFailure(err);
      if (failed) return { resumeToken: encodeDeployToken({ v: 1, ref, failed }) };
      throw toAzureOperationError(err, `deploy container group ${ref.name}`);
    }
  }

  async pollDeploy(resumeToken: string): Promise<DeployPoll> {
    const token = decodeDeployToken(resumeToken);
    const { ref } = token;
    if (token.failed || token.poller === undefined) return { done: true, error: token.failed ?? { message: 'The deployment failed.' } };
    try {
      // With `resumeFrom` the SDK sends no PUT: it restores the state and polls once. The body
      // is required by the signature only; polls and the final GET do not send it.
      const placeholder: ContainerGroup = { containers: [], osType: 'Linux' };
      const poller = await this.#client(ref.subscriptionId).containerGroups.beginCreateOrUpdate(ref.resourceGroup, ref.name, placeholder, {
        resumeFrom: token.poller,
      });
      if (!poller.isDone()) return { done: false };
      // A state that was already done when serialized carries its result through JSON (dates as
      // strings), so read the group fresh instead.
      const result = wasDone(token.poller) ? undefined : poller.getResult();
      return { done: true, group: result ? toView(result) : await this.get(ref) };
    } catch (err) {
      const failed = parseLroFailure(err);
      if (failed) return { done: true, error: failed };
      if (isLroCanceled(err)) return { done: true, error: { code: 'Canceled', message: 'The deployment was canceled.' } };
      throw toAzureOperationError(err, `check the deployment of container group ${ref.name}`);
    }
  }

  async get(ref: ContainerGroupRef): Promise<ContainerGroupView> {
    try {
      return toView(await this.#client(ref.subscriptionId).containerGroups.get(ref.resourceGroup, ref.name));
    } catch (err) {
      throw toAzureOperationError(err, `read container group ${ref.name}`);
    }
  }

  async find(ref: ContainerGroupRef): Promise<ContainerGroupView | undefined> {
    try {
      return toView(await this.#client(ref.subscriptionId).containerGroups.get(ref.resourceGroup, ref.name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toAzureOperationError(err, `read container group ${ref.name}`);
    }
  }

  async list(scope: ResourceGroupRef): Promise<ContainerGroupView[]> {
    try {
      const views: ContainerGroupView[] = [];
      for await (const group of this.#client(scope.subscriptionId).containerGroups.listByResourceGroup(scope.resourceGroup)) views.push(toView(group));
      return views;
    } catch (err) {
      throw toAzureOperationError(err, `list the container groups in resource group ${scope.resourceGroup}`);
    }
  }

  async logs(ref: ContainerGroupRef, container: string, tail?: number): Promise<string> {
    try {
      const logs = await this.#client(ref.subscriptionId).containers.listLogs(ref.resourceGroup, ref.name, container, tail !== undefined ? { tail } : {});
      return logs.content ?? '';
    } catch (err) {
      throw toAzureOperationError(err, `read the logs of container ${container} in ${ref.name}`);
    }
  }

  async restart(ref: ContainerGroupRef): Promise<void> {
    try {
      await this.#client(ref.subscriptionId).containerGroups.beginRestartAndWait(ref.resourceGroup, ref.name, this.#wait());
    } catch (err) {
      throw toAzureOperationError(err, `restart container group ${ref.name}`);
    }
  }

  async stop(ref: ContainerGroupRef): Promise<void> {
    try {
      await this.#client(ref.subscriptionId).containerGroups.stop(ref.resourceGroup, ref.name);
    } catch (err) {
      throw toAzureOperationError(err, `stop container group ${ref.name}`);
    }
  }

  async start(ref: ContainerGroupRef): Promise<void> {
    try {
      await this.#client(ref.subscriptionId).containerGroups.beginStartAndWait(ref.resourceGroup, ref.name, this.#wait());
    } catch (err) {
      throw toAzureOperationError(err, `start container group ${ref.name}`);
    }
  }

  async delete(ref: ContainerGroupRef): Promise<void> {
    try {
      await this.#client(ref.subscriptionId).containerGroups.beginDeleteAndWait(ref.resourceGroup, ref.name, this.#wait());
    } catch (err) {
      throw toAzureOperationError(err, `delete container group ${ref.name}`);
    }
  }
}

/** Whether core-lro's serialized state (`{"state":{"status":…}}`) was already terminal. */
function wasDone(serialized: string): boolean {
  try {
    return (JSON.parse(serialized) as { state?: { status?: string } }).state?.status === 'succeeded';
  } catch {
    return false;
  }
}
