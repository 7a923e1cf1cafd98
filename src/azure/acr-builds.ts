import { ContainerRegistryManagementClient, type Run } from '@azure/arm-containerregistry';
import type { TokenCredential } from '@azure/identity';
import type { AcrBuilds, DockerBuildSpec, RunInfo } from '../core/build/acr-builds.ts';
import { registryResourceId, type RegistryRef } from '../core/registry-ref.ts';
import { toAzureOperationError } from './errors.ts';
import type { AzureClientOptions } from './request-metrics.ts';

export interface AzureAcrBuildsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
  /** How often the SDK polls long-running operations it follows itself (cancel). */
  updateIntervalInMs?: number;
  /** Pipeline options every client gets (the request metrics policy). */
  clientOptions?: AzureClientOptions;
}

/**
 * ACR builds and runs through `@azure/arm-containerregistry` 11.x (v12 dropped runs and
 * tasks). One client per subscription, created on first use.
 */
export class AzureAcrBuilds implements AcrBuilds {
  readonly #options: AzureAcrBuildsOptions;
  readonly #clients = new Map<string, ContainerRegistryManagementClient>();
  readonly #noRetryClients = new Map<string, ContainerRegistryManagementClient>();

  constructor(options: AzureAcrBuildsOptions) {
    this.#options = options;
  }

  /**
   * `retries: false` is for calls that are not idempotent (`scheduleRun`): the pipeline's
   * automatic retry of a POST after a 5xx or a dropped connection can start a second build
   * when only the answer was lost. The build job retries instead, after looking for the run.
   */
  #client(subscriptionId: string, retries = true): ContainerRegistryManagementClient {
    const cache = retries ? this.#clients : this.#noRetryClients;
    let client = cache.get(subscriptionId);
    if (!client) {
      // `endpoint` sets both the base URL and the token scope (`<endpoint>/.default`).
      client = new ContainerRegistryManagementClient(this.#options.credential, subscriptionId, {
        ...this.#options.clientOptions,
        endpoint: this.#options.resourceManager,
        ...(!retries && { retryOptions: { maxRetries: 0 } }),
      });
      cache.set(subscriptionId, client);
    }
    return client;
  }

  async scheduleDockerBuild(ref: RegistryRef, spec: DockerBuildSpec): Promise<RunInfo> {
    try {
      const run = await this.#client(ref.subscriptionId, false).registries.beginScheduleRunAndWait(ref.resourceGroup, ref.registry, {
        type: 'DockerBuildRequest',
        imageNames: spec.images,
        isPushEnabled: true,
        noCache: spec.noCache,
        dockerFilePath: spec.file,
        ...(spec.target && { target: spec.target }),
        arguments: spec.buildArgs.map((a) => ({ name: a.name, value: a.value, isSecret: false })),
        platform: { os: spec.platform.os, architecture: spec.platform.architecture, ...(spec.platform.variant && { variant: spec.platform.variant }) },
        sourceLocation: spec.sourceLocation,
        ...(spec.timeoutSeconds && { timeout: spec.timeoutSeconds }),
        isArchiveEnabled: false,
      });
      return toRunInfo(run);
    } catch (err) {
      throw toAzureOperationError(err, `start the build in registry ${ref.registry}`);
    }
  }

  async scheduleTaskRun(ref: RegistryRef, taskName: string): Promise<RunInfo> {
    try {
      const run = await this.#client(ref.subscriptionId, false).registries.beginScheduleRunAndWait(ref.resourceGroup, ref.registry, { type: 'TaskRunRequest', taskId: `${registryResourceId(ref)}/tasks/${taskName}` });
      return toRunInfo(run);
    } catch (err) {
      throw toAzureOperationError(err, `run task ${taskName} in registry ${ref.registry}`);
    }
  }

  async getRun(ref: RegistryRef, runId: string): Promise<RunInfo> {
    try {
      return toRunInfo(await this.#client(ref.subscriptionId).runs.get(ref.resourceGroup, ref.registry, runId));
    } catch (err) {
      throw toAzureOperationError(err, `read run ${runId} of registry ${ref.registry}`);
    }
  }

  async listRunsSince(ref: RegistryRef, since: Date, taskName?: string): Promise<RunInfo[]> {
    try {
      const runs: RunInfo[] = [];
      const filter = `createTime ge ${since.toISOString()}`;
      for await (const run of this.#client(ref.subscriptionId).runs.list(ref.resourceGroup, ref.registry, { filter, top: 50 })) {
        const mine = taskName ? run.task?.toLowerCase() === taskName.toLowerCase() : !run.runType || run.runType === 'QuickBuild';
        if (mine) runs.push(toRunInfo(run));
      }
      return runs;
    } catch (err) {
      throw toAzureOperationError(err, `list the runs of registry ${ref.registry}`);
    }
  }

  async listRuns(ref: RegistryRef, options: { top: number; status?: string }): Promise<RunInfo[]> {
    try {
      const runs: RunInfo[] = [];
      const filter = options.status ? `status eq '${options.status}'` : undefined;
      // `$top` bounds the page ACR sends; stopping here means no further page is fetched.
      for await (const run of this.#client(ref.subscriptionId).runs.list(ref.resourceGroup, ref.registry, { top: options.top, ...(filter && { filter }) })) {
        runs.push(toRunInfo(run));
        if (runs.length >= options.top) break;
      }
      return runs.slice(0, options.top);
    } catch (err) {
      throw toAzureOperationError(err, `list the runs of registry ${ref.registry}`);
    }
  }

  async cancelRun(ref: RegistryRef, runId: string): Promise<void> {
    try {
      await this.#client(ref.subscriptionId).runs.beginCancelAndWait(ref.resourceGroup, ref.registry, runId, {
        ...(this.#options.updateIntervalInMs !== undefined && { updateIntervalInMs: this.#options.updateIntervalInMs }),
      });
    } catch (err) {
      throw toAzureOperationError(err, `cancel run ${runId} in registry ${ref.registry}`);
    }
  }

  async getLogUrl(ref: RegistryRef, runId: string): Promise<string> {
    try {
      const { logLink } = await this.#client(ref.subscriptionId).runs.getLogSasUrl(ref.resourceGroup, ref.registry, runId);
      if (!logLink) throw new Error('ACR returned no log link');
      return logLink;
    } catch (err) {
      throw toAzureOperationError(err, `get the log of run ${runId} in registry ${ref.registry}`);
    }
  }
}

function toRunInfo(run: Run): RunInfo {
  return {
    runId: run.runId ?? run.name ?? 'unknown',
    status: run.status ?? 'Queued',
    ...(run.runType && { runType: run.runType }),
    ...(run.task && { taskName: run.task }),
    ...(run.sourceTrigger?.eventType && { trigger: run.sourceTrigger.eventType }),
    ...(run.createTime && { createTime: new Date(run.createTime) }),
    ...(run.startTime && { startTime: new Date(run.startTime) }),
    ...(run.finishTime && { finishTime: new Date(run.finishTime) }),
    outputImages: (run.outputImages ?? []).map((i) => ({
      ...(i.registry && { registry: i.registry }),
      ...(i.repository && { repository: i.repository }),
      ...(i.tag && { tag: i.tag }),
      ...(i.digest && { digest: i.digest }),
    })),
    ...(run.runErrorMessage && { errorMessage: run.runErrorMessage }),
  };
}
