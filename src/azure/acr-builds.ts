import type { Run } from '@azure/arm-containerregistry';
import type { AcrBuilds, DockerBuildSpec, LogLink, RunInfo } from '../core/build/acr-builds.ts';
import { registryResourceId, type RegistryRef } from '../core/registry-ref.ts';
import type { AcrClients } from './acr-clients.ts';
import { AzureOperationError } from '../core/azure-errors.ts';
import { toAzureOperationError } from './errors.ts';
import { taskRunsFilter } from '../core/task-watch/run-filter.ts';
import type { RunTrigger } from '../core/build/run-trigger.ts';

/** How many of a registry's latest runs a search for a lost run looks at, at most. */
const maxRunsScanned = 100;

/**
 * ACR builds and runs through `@azure/arm-containerregistry` 11.x (v12 dropped runs and
 * tasks). `scheduleRun` goes out once (see `AcrClients.once`): the build job looks for the run
 * itself when the answer is lost.
 */
export class AzureAcrBuilds implements AcrBuilds {
  readonly #clients: AcrClients;
  /** How often the SDK polls long-running operations it follows itself (cancel). */
  readonly #updateIntervalInMs: number | undefined;

  constructor(clients: AcrClients, options: { updateIntervalInMs?: number } = {}) {
    this.#clients = clients;
    this.#updateIntervalInMs = options.updateIntervalInMs;
  }

  async scheduleDockerBuild(ref: RegistryRef, spec: DockerBuildSpec): Promise<RunInfo> {
    try {
      const run = await this.#clients.once(ref.subscriptionId).registries.beginScheduleRunAndWait(ref.resourceGroup, ref.registry, {
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
      throw toScheduleRunError(err, `start the build in registry ${ref.registry}`, ref);
    }
  }

  async scheduleTaskRun(ref: RegistryRef, taskName: string): Promise<RunInfo> {
    try {
      const run = await this.#clients.once(ref.subscriptionId).registries.beginScheduleRunAndWait(ref.resourceGroup, ref.registry, {
        type: 'TaskRunRequest',
        taskId: `${registryResourceId(ref)}/tasks/${taskName}`,
      });
      return toRunInfo(run);
    } catch (err) {
      throw toScheduleRunError(err, `run task ${taskName} in registry ${ref.registry}`, ref);
    }
  }

  async getRun(ref: RegistryRef, runId: string): Promise<RunInfo> {
    try {
      return toRunInfo(await this.#clients.for(ref.subscriptionId).runs.get(ref.resourceGroup, ref.registry, runId));
    } catch (err) {
      throw toAzureOperationError(err, `read run ${runId} of registry ${ref.registry}`);
    }
  }

  async listRunsSince(ref: RegistryRef, since: Date, taskName?: string): Promise<RunInfo[]> {
    try {
      const runs: RunInfo[] = [];
      // Only filter forms az sends (acr/task.py `_add_run_filter`: TaskName eq, Status eq,
      // contains(OutputImageManifests, …)); the time window is applied here. ACR lists the latest
      // runs first (az acr/_params.py: `--top` "Limit the number of latest runs"), so the first
      // run older than the window ends the walk.
      const filter = taskName ? `TaskName eq '${taskName.replace(/'/g, "''")}'` : undefined;
      for await (const run of this.#clients
        .for(ref.subscriptionId)
        .runs.list(ref.resourceGroup, ref.registry, { top: maxRunsScanned, ...(filter && { filter }) })) {
        if (run.createTime && run.createTime < since) break;
        const kind = taskName ? run.task?.toLowerCase() === taskName.toLowerCase() : !run.runType || run.runType === 'QuickBuild';
        if (kind) runs.push(toRunInfo(run));
      }
      return runs;
    } catch (err) {
      throw toAzureOperationError(err, `list the runs of registry ${ref.registry}`);
    }
  }

  async listTaskRuns(ref: RegistryRef, taskNames: readonly string[], top: number): Promise<RunInfo[]> {
    try {
      // `byPage().next()` asks for the first page only: the `nextLink` is never followed.
      const pages = this.#clients
        .for(ref.subscriptionId)
        .runs.list(ref.resourceGroup, ref.registry, { filter: taskRunsFilter(taskNames), top })
        .byPage();
      const first = await pages.next();
      return first.done ? [] : first.value.slice(0, top).map(toRunInfo);
    } catch (err) {
      throw toAzureOperationError(err, `list the runs of the watched tasks of registry ${ref.registry}`);
    }
  }

  async listRuns(ref: RegistryRef, options: { top: number; status?: string }): Promise<RunInfo[]> {
    try {
      const runs: RunInfo[] = [];
      const filter = options.status ? `Status eq '${options.status}'` : undefined;
      // `$top` bounds the page ACR sends; stopping here means no further page is fetched.
      for await (const run of this.#clients
        .for(ref.subscriptionId)
        .runs.list(ref.resourceGroup, ref.registry, { top: options.top, ...(filter && { filter }) })) {
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
      await this.#clients.for(ref.subscriptionId).runs.beginCancelAndWait(ref.resourceGroup, ref.registry, runId, {
        ...(this.#updateIntervalInMs !== undefined && { updateIntervalInMs: this.#updateIntervalInMs }),
      });
    } catch (err) {
      throw toAzureOperationError(err, `cancel run ${runId} in registry ${ref.registry}`);
    }
  }

  async getLogLink(ref: RegistryRef, runId: string): Promise<LogLink> {
    try {
      const { logLink, logArtifactLink } = await this.#clients.for(ref.subscriptionId).runs.getLogSasUrl(ref.resourceGroup, ref.registry, runId);
      // az prefers the artifact link when ACR sends one (acr/_stream_utils.py, `stream_logs`).
      if (logArtifactLink) return { url: logArtifactLink, artifact: true };
      if (!logLink) throw new Error('ACR returned no log link');
      return { url: logLink, artifact: false };
    } catch (err) {
      throw toAzureOperationError(err, `get the log of run ${runId} in registry ${ref.registry}`);
    }
  }
}

/**
 * `scheduleRun`'s failures; ACR Tasks being off for the whole subscription (400
 * TasksOperationsNotAllowed, seen on free-trial and some sponsored offers) is said in plain words.
 */
function toScheduleRunError(err: unknown, doing: string, ref: RegistryRef): AzureOperationError {
  const translated = toAzureOperationError(err, doing);
  if (translated.azureCode !== 'TasksOperationsNotAllowed') return translated;
  return new AzureOperationError(
    `ACR Tasks, which runs \`/acr build\` and \`/acr task run\`, is not enabled for the subscription of registry ${ref.registry}. Azure does not allow it on free-trial and some sponsored subscriptions.`,
    {
      statusCode: 400,
      azureCode: translated.azureCode,
      transient: false,
      hint: 'An owner of the subscription can upgrade it to pay-as-you-go, or ask Azure support to allow ACR Tasks (https://aka.ms/azuresupport). Until then, build and push the image elsewhere (`docker build`, `docker push`); `/aci create` deploys a pushed tag.',
      cause: err,
    },
  );
}

function toRunInfo(run: Run): RunInfo {
  return {
    runId: run.runId ?? run.name ?? 'unknown',
    status: run.status ?? 'Queued',
    ...(run.runType && { runType: run.runType }),
    ...(run.task && { taskName: run.task }),
    ...(run.sourceTrigger?.eventType && { trigger: run.sourceTrigger.eventType }),
    ...(run.task && { triggeredBy: triggerOf(run) }),
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
    ...(run.platform && {
      platform: {
        os: run.platform.os,
        ...(run.platform.architecture && { architecture: run.platform.architecture }),
        ...(run.platform.variant && { variant: run.platform.variant }),
      },
    }),
  };
}

/** What started a task's run, from the trigger field ARM reports on it (see run-trigger.ts). */
function triggerOf(run: Run): RunTrigger {
  const source = run.sourceTrigger;
  if (source) {
    return {
      kind: 'commit',
      ...(source.commitId && { commitId: source.commitId }),
      ...(source.branchName && { branch: source.branchName }),
      ...(source.repositoryUrl && { repositoryUrl: source.repositoryUrl }),
      ...(source.eventType && { eventType: source.eventType }),
    };
  }
  if (run.imageUpdateTrigger) {
    const images = (run.imageUpdateTrigger.images ?? []).map((i) => `${i.repository ?? '?'}${i.tag ? `:${i.tag}` : ''}`);
    return { kind: 'base-image', images };
  }
  if (run.timerTrigger) {
    return {
      kind: 'timer',
      ...(run.timerTrigger.timerTriggerName && { timer: run.timerTrigger.timerTriggerName }),
      ...(run.timerTrigger.scheduleOccurrence && { occurrence: run.timerTrigger.scheduleOccurrence }),
    };
  }
  return { kind: 'manual' };
}
