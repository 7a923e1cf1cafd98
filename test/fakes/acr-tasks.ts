import type { DockerBuildSpec } from '../../src/core/build/acr-builds.ts';
import type { TaskDefinition, TaskView } from '../../src/core/build/task.ts';
import type { AcrTasks } from '../../src/core/registry/ports.ts';
import type { RegistryRef } from '../../src/core/registry-ref.ts';
import { notFaked } from './not-faked.ts';

/** {@link AcrTasks} for tests that never reach a task: every method throws until a test sets it. */
export class FakeAcrTasks implements AcrTasks {
  async list(_ref: RegistryRef): Promise<TaskView[]> {
    return notFaked('AcrTasks', 'list');
  }
  async get(_ref: RegistryRef, _name: string): Promise<TaskView | undefined> {
    return notFaked('AcrTasks', 'get');
  }
  async create(_ref: RegistryRef, _task: TaskDefinition, _gitToken: string | undefined, _options: { jobId: string }): Promise<TaskView> {
    return notFaked('AcrTasks', 'create');
  }
  async createBuildTask(_ref: RegistryRef, _name: string, _spec: DockerBuildSpec, _gitToken: string, _options: { jobId: string }): Promise<TaskView> {
    return notFaked('AcrTasks', 'createBuildTask');
  }
  async delete(_ref: RegistryRef, _name: string): Promise<'deleted' | 'absent'> {
    return notFaked('AcrTasks', 'delete');
  }
}
