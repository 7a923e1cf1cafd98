import type { DockerBuildStep, Task, TriggerProperties } from '@azure/arm-containerregistry';
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
    try {
      const client = this.#clients.for(ref.subscriptionId);
      // A task lives in its registry's region.
      const { location } = await client.registries.get(ref.resourceGroup, ref.registry);
      const created = await client.tasks.beginCreateAndWait(ref.resourceGroup, ref.registry, task.name, {
        location,
        tags: { [JOB_TAG]: options.jobId },
        status: 'Enabled',
        platform: { os: task.platform.os, architecture: task.platform.architecture, ...(task.platform.variant && { variant: task.platform.variant }) },
        agentConfiguration: { cpu: 2 },
        ...(task.timeoutSeconds && { timeout: task.timeoutSeconds }),
        step: {
          type: 'Docker',
          contextPath: contextPathOf(task),
          ...(gitToken !== undefined && { contextAccessToken: gitToken }),
          dockerFilePath: task.file,
          imageNames: task.images,
          isPushEnabled: true,
          noCache: false,
          arguments: task.buildArgs.map((a) => ({ name: a.name, value: a.value, isSecret: false })),
        },
        trigger: triggersOf(task, gitToken),
      });
      return toTaskView(created);
    } catch (err) {
      throw toAzureOperationError(err, `create task ${task.name} in registry ${ref.registry}`);
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

/** The tag naming the job that created a task: a retried job recognises its own task by it. */
const JOB_TAG = 'chatops-job';

/**
 * The triggers `az acr task create` sends (azure-cli, acr/task.py `acr_task_create`): a source
 * trigger only when an event is enabled, with the token as a PAT of scope `repo`; a base image
 * trigger only when enabled. A task without either gets an empty `trigger`.
 */
function triggersOf(task: TaskDefinition, gitToken: string | undefined): TriggerProperties {
  return {
    ...(task.commitTrigger && task.sourceControl && gitToken !== undefined && {
      sourceTriggers: [{
        name: 'defaultSourceTriggerName',
        sourceRepository: { sourceControlType: task.sourceControl, repositoryUrl: task.repositoryUrl, branch: task.branch, sourceControlAuthProperties: { tokenType: 'PAT', token: gitToken, scope: 'repo' } },
        sourceTriggerEvents: ['commit'],
        status: 'Enabled',
      }],
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
    ...(source && { commitTrigger: { enabled: source.status !== 'Disabled', repositoryUrl: source.sourceRepository.repositoryUrl, ...(source.sourceRepository.branch && { branch: source.sourceRepository.branch }) } }),
    ...(base && { baseImageTrigger: { enabled: base.status !== 'Disabled' } }),
    ...(t.timeout && { timeoutSeconds: t.timeout }),
    ...(t.tags?.[JOB_TAG] && { createdByJob: t.tags[JOB_TAG] }),
  };
}
