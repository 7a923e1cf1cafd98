import type { DockerBuildStep, Task } from '@azure/arm-containerregistry';
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

  async create(ref: RegistryRef, task: TaskDefinition, gitToken: string | undefined): Promise<TaskView> {
    try {
      const client = this.#clients.for(ref.subscriptionId);
      // A task lives in its registry's region.
      const { location } = await client.registries.get(ref.resourceGroup, ref.registry);
      const auth = gitToken === undefined ? undefined : { tokenType: 'PAT' as const, token: gitToken };
      const created = await client.tasks.beginCreateAndWait(ref.resourceGroup, ref.registry, task.name, {
        location,
        status: 'Enabled',
        platform: { os: task.platform.os, architecture: task.platform.architecture, ...(task.platform.variant && { variant: task.platform.variant }) },
        agentConfiguration: { cpu: 2 },
        ...(task.timeoutSeconds && { timeout: task.timeoutSeconds }),
        step: {
          type: 'Docker',
          contextPath: contextPathOf(task),
          ...(auth && { contextAccessToken: gitToken }),
          dockerFilePath: task.file,
          imageNames: task.images,
          isPushEnabled: true,
          noCache: false,
          arguments: task.buildArgs.map((a) => ({ name: a.name, value: a.value, isSecret: false })),
        },
        trigger: {
          ...(task.sourceControl && {
            sourceTriggers: [{
              name: 'defaultSourceTriggerName',
              sourceRepository: { sourceControlType: task.sourceControl, repositoryUrl: task.repositoryUrl, branch: task.branch, ...(auth && { sourceControlAuthProperties: auth }) },
              sourceTriggerEvents: ['commit'],
              status: task.commitTrigger ? 'Enabled' : 'Disabled',
            }],
          }),
          baseImageTrigger: { name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'Runtime', status: task.baseImageTrigger ? 'Enabled' : 'Disabled' },
        },
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
  };
}
