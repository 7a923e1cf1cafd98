import type { DockerBuildStep, Task, TriggerProperties } from '@azure/arm-containerregistry';
import type { DockerBuildSpec } from '../core/build/acr-builds.ts';
import { contextPathOf, type TaskDefinition, type TaskView } from '../core/build/task.ts';
import type { RegistryRef } from '../core/registry-ref.ts';
import type { AcrTasks } from '../core/registry/ports.ts';
import { isNotFound, type AcrClients } from './acr-clients.ts';
import { toAzureOperationError } from './errors.ts';

/** ACR Tasks through `@azure/arm-containerregistry` 11 (tasks api-version 2019-06-01-preview). */
export class AzureAcrTasks implements AcrTasks {
  readonly #clients: AcrClients;

  constructor(clients: AcrClients) {
    this.#clients = clients;
  }

  async list(ref: RegistryRef): Promise<TaskView[]> {
    try {
      const out: TaskView[] = [];
      for await (const t of this.#clients.for(ref.subscriptionId).tasks.list(ref.resourceGroup, ref.registry)) out.push(toTaskView(t));
      return out;
    } catch (err) {
      throw toAzureOperationError(err, `list the tasks of registry ${ref.registry}`);
    }
  }

  async get(ref: RegistryRef, name: string): Promise<TaskView | undefined> {
    try {
      return toTaskView(await this.#clients.for(ref.subscriptionId).tasks.get(ref.resourceGroup, ref.registry, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toAzureOperationError(err, `read task ${name} of registry ${ref.registry}`);
    }
  }

  async create(ref: RegistryRef, task: TaskDefinition, gitToken: string | undefined, options: { jobId: string }): Promise<TaskView> {
    const build = { ...task, contextPath: contextPathOf(task), noCache: false };
    return this.#put(ref, task.name, options.jobId, build, gitToken, triggersOf(task, gitToken));
  }

  /**
   * The one-off task behind a build from a private repository. A run's only git credential is
   * its task step's `contextAccessToken`, "the token (git PAT or SAS token of storage account
   * blob) associated with the context for a step" (Azure/azure-rest-api-specs, containerregistry
   * 2019-06-01-preview containerregistry_build.json, TaskStepProperties; `DockerBuildRequest`
   * has none), where `az acr task create --git-access-token` puts it (azure-cli acr/task.py,
   * create_task_step). No triggers: it runs when scheduled (`az acr task run`: TaskRunRequest).
   */
  async createBuildTask(ref: RegistryRef, name: string, spec: DockerBuildSpec, gitToken: string, options: { jobId: string }): Promise<TaskView> {
    const build = { ...spec, contextPath: spec.sourceLocation };
    return this.#put(ref, name, options.jobId, build, gitToken, {});
  }

  async #put(ref: RegistryRef, name: string, jobId: string, build: BuildStep, gitToken: string | undefined, trigger: TriggerProperties): Promise<TaskView> {
    try {
      const client = this.#clients.for(ref.subscriptionId);
      // A task lives in its registry's region.
      const { location } = await client.registries.get(ref.resourceGroup, ref.registry);
      const created = await client.tasks.beginCreateAndWait(ref.resourceGroup, ref.registry, name, {
        location,
        tags: { [JOB_TAG]: jobId },
        status: 'Enabled',
        platform: { os: build.platform.os, architecture: build.platform.architecture, ...(build.platform.variant && { variant: build.platform.variant }) },
        agentConfiguration: { cpu: 2 },
        ...(build.timeoutSeconds && { timeout: build.timeoutSeconds }),
        step: {
          type: 'Docker',
          contextPath: build.contextPath,
          ...(gitToken !== undefined && { contextAccessToken: gitToken }),
          dockerFilePath: build.file,
          imageNames: build.images,
          isPushEnabled: true,
          noCache: build.noCache,
          ...(build.target && { target: build.target }),
          arguments: build.buildArgs.map((a) => ({ name: a.name, value: a.value, isSecret: false })),
        },
        trigger,
      });
      return toTaskView(created);
    } catch (err) {
      throw toAzureOperationError(err, `create task ${name} in registry ${ref.registry}`);
    }
  }

  async delete(ref: RegistryRef, name: string): Promise<'deleted' | 'absent'> {
    if (!(await this.get(ref, name))) return 'absent';
    try {
      await this.#clients.for(ref.subscriptionId).tasks.beginDeleteAndWait(ref.resourceGroup, ref.registry, name);
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw toAzureOperationError(err, `delete task ${name} of registry ${ref.registry}`);
    }
  }
}

/** What a task's Docker step builds, from a task definition or a build request. */
type BuildStep = Pick<DockerBuildSpec, 'images' | 'file' | 'buildArgs' | 'platform' | 'noCache' | 'timeoutSeconds' | 'target'> & { contextPath: string };

/** The tag naming the job that created a task: a retried job recognises its own task by it. */
const JOB_TAG = 'chatops-job';

/**
 * The triggers `az acr task create` sends (azure-cli, acr/task.py `acr_task_create`): a source
 * trigger only when an event is enabled, with the token as a PAT of scope `repo`; a base image
 * trigger only when enabled. A task without either gets an empty `trigger`.
 */
function triggersOf(task: TaskDefinition, gitToken: string | undefined): TriggerProperties {
  return {
    ...(task.commitTrigger &&
      task.sourceControl &&
      gitToken !== undefined && {
        sourceTriggers: [
          {
            name: 'defaultSourceTriggerName',
            sourceRepository: {
              sourceControlType: task.sourceControl,
              repositoryUrl: task.repositoryUrl,
              branch: task.branch,
              sourceControlAuthProperties: { tokenType: 'PAT', token: gitToken, scope: 'repo' },
            },
            sourceTriggerEvents: ['commit'],
            status: 'Enabled',
          },
        ],
      }),
    ...(task.baseImageTrigger && {
      baseImageTrigger: { name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'Runtime', updateTriggerPayloadType: 'Default', status: 'Enabled' },
    }),
  };
}

function toTaskView(t: Task): TaskView {
  const step = t.step?.type === 'Docker' ? (t.step as DockerBuildStep) : undefined;
  const source = t.trigger?.sourceTriggers?.find((s) => s.sourceTriggerEvents.includes('commit'));
  const base = t.trigger?.baseImageTrigger;
  return {
    name: t.name ?? '',
    ...(t.status && { status: t.status }),
    ...(t.provisioningState && { provisioningState: t.provisioningState }),
    ...(t.step?.contextPath && { contextPath: t.step.contextPath }),
    ...(step && { file: step.dockerFilePath }),
    images: step?.imageNames ?? [],
    ...(t.platform && { platform: [t.platform.os.toLowerCase(), t.platform.architecture, t.platform.variant].filter(Boolean).join('/') }),
    ...(t.creationDate && { createdAt: t.creationDate }),
    ...(source && {
      commitTrigger: {
        enabled: source.status !== 'Disabled',
        repositoryUrl: source.sourceRepository.repositoryUrl,
        ...(source.sourceRepository.branch && { branch: source.sourceRepository.branch }),
      },
    }),
    ...(base && { baseImageTrigger: { enabled: base.status !== 'Disabled' } }),
    ...(t.timeout && { timeoutSeconds: t.timeout }),
    ...(t.tags?.[JOB_TAG] && { createdByJob: t.tags[JOB_TAG] }),
  };
}
