import type { ContainerGroupRef, ContainerGroupSpec, ContainerGroupView, ContainerGroups, DeployPoll, ResourceGroupRef } from '../../src/core/deploy/ports.ts';
import { notFaked } from './not-faked.ts';

/**
 * ACI with one container group: every read answers `view`, a deploy finishes at its first poll.
 * `calls` lists the changes in order (`put`, `poll`, `delete`); list, logs, restart, stop and
 * start throw until a test sets them.
 */
export class FakeContainerGroups implements ContainerGroups {
  readonly calls: string[] = [];
  view: ContainerGroupView;

  constructor(view: ContainerGroupView) {
    this.view = view;
  }

  async beginDeploy(_ref: ContainerGroupRef, _spec: ContainerGroupSpec): Promise<{ resumeToken: string }> {
    this.calls.push('put');
    return { resumeToken: 'token' };
  }
  async pollDeploy(_resumeToken: string): Promise<DeployPoll> {
    this.calls.push('poll');
    return { done: true, group: this.view };
  }
  async get(_ref: ContainerGroupRef): Promise<ContainerGroupView> {
    return this.view;
  }
  async find(_ref: ContainerGroupRef): Promise<ContainerGroupView | undefined> {
    return this.view;
  }
  async delete(_ref: ContainerGroupRef): Promise<void> {
    this.calls.push('delete');
  }
  async list(_scope: ResourceGroupRef): Promise<ContainerGroupView[]> {
    return notFaked('ContainerGroups', 'list');
  }
  async logs(_ref: ContainerGroupRef, _container: string, _tail?: number): Promise<string> {
    return notFaked('ContainerGroups', 'logs');
  }
  async restart(_ref: ContainerGroupRef): Promise<void> {
    return notFaked('ContainerGroups', 'restart');
  }
  async stop(_ref: ContainerGroupRef): Promise<void> {
    return notFaked('ContainerGroups', 'stop');
  }
  async start(_ref: ContainerGroupRef): Promise<void> {
    return notFaked('ContainerGroups', 'start');
  }
}
