import type { ApprovalState, Approvals, NewApproval } from '../../src/core/approval/approvals.ts';
import type { AuditEventInput, AuditLog } from '../../src/core/audit.ts';
import type { ContainerGroupRef, ContainerGroupSpec, ContainerGroupView, DeployPoll } from '../../src/core/deploy/container-group.ts';
import type { GroupLocks } from '../../src/core/deploy/deploy-job.ts';
import type { ContainerGroups } from '../../src/core/deploy/ports.ts';
import type { Asker, PrivateAnswers, QueryAnswer } from '../../src/core/query-answer.ts';
import { stepRun, type StepRun } from '../../jobs/step-runner.ts';
import { fakeContext } from './fake-acr.ts';

/** A step's run over a recording context: `saves` lists what it saved; `wakeAfter` rejects with a `DurableWait` carrying `ms`. */
export function fakeRun<D>(data: D, opts: { attemptsMade?: number; maxAttempts?: number } = {}): StepRun<D> & { saves: D[] } {
  const ctx = fakeContext(data, opts);
  return Object.assign(stepRun(ctx, data), { saves: ctx.saves });
}

/** What a durable wait inside a step looks like to a test. */
export const waits = (ms: number) => ({ name: 'DurableWait', ms });

/** A container group as ACI reports it, Running, with one container. */
export const runningGroup: ContainerGroupView = {
  name: 'web',
  provisioningState: 'Succeeded',
  state: 'Running',
  ports: [],
  events: [],
  containers: [{ name: 'web', image: 'x', cpu: 1, memoryInGB: 1.5 }],
  restartPolicy: 'Always',
  osType: 'Linux',
};

/** In-memory ACI: one group per name; `poll` is what the next `pollDeploy` answers. */
export class FakeContainerGroups implements ContainerGroups {
  calls: string[] = [];
  groups = new Map<string, ContainerGroupView>();
  logText = '';
  poll: DeployPoll = { done: true, group: runningGroup };
  failNext: Error | undefined;
  #call(name: string) {
    this.calls.push(name);
    const e = this.failNext;
    this.failNext = undefined;
    if (e) throw e;
  }
  async beginDeploy(ref: ContainerGroupRef, _spec: ContainerGroupSpec) {
    this.#call(`put ${ref.name}`);
    return { resumeToken: 'resume-1' };
  }
  async pollDeploy(): Promise<DeployPoll> {
    this.#call('poll');
    return this.poll;
  }
  async get(ref: ContainerGroupRef) {
    this.#call(`get ${ref.name}`);
    return this.groups.get(ref.name) ?? { ...runningGroup, name: ref.name };
  }
  async find(ref: ContainerGroupRef) {
    this.#call(`find ${ref.name}`);
    return this.groups.get(ref.name);
  }
  async list() {
    this.#call('list');
    return [...this.groups.values()];
  }
  async logs(ref: ContainerGroupRef, container: string, tail?: number) {
    this.#call(`logs ${ref.name}/${container}/${tail}`);
    return this.logText;
  }
  async restart(ref: ContainerGroupRef) {
    this.#call(`restart ${ref.name}`);
  }
  async stop(ref: ContainerGroupRef) {
    this.#call(`stop ${ref.name}`);
  }
  async start(ref: ContainerGroupRef) {
    this.#call(`start ${ref.name}`);
  }
  async delete(ref: ContainerGroupRef) {
    this.#call(`delete ${ref.name}`);
    this.groups.delete(ref.name);
  }
}

/** Approvals in memory: `decide` sets what a click would have recorded. */
export class MemoryApprovals implements Approvals {
  states = new Map<string, ApprovalState>();
  async open(request: NewApproval): Promise<ApprovalState> {
    const existing = this.states.get(request.jobId);
    if (existing) return existing;
    const state = { ...request, status: 'pending', approvals: [] } as unknown as ApprovalState;
    this.states.set(request.jobId, state);
    return state;
  }
  async get(jobId: string) {
    return this.states.get(jobId);
  }
  decide(jobId: string, status: ApprovalState['status'], approvals: string[] = []): void {
    const state = this.states.get(jobId)!;
    const at = new Date().toISOString();
    this.states.set(jobId, {
      ...state,
      status,
      approvals: approvals.map((userId) => ({ userId, at })),
      ...(status === 'rejected' && { rejection: { userId: 'U0BOSS', at } }),
    });
  }
  async approve(): Promise<never> {
    throw new Error('the job never decides');
  }
  async reject(): Promise<never> {
    throw new Error('the job never decides');
  }
  async expireIfDue(jobId: string) {
    return this.states.get(jobId);
  }
}

/** Group locks in memory: `holder` set means another job has the group. */
export class MemoryLocks implements GroupLocks {
  holder: string | undefined;
  released: string[] = [];
  async acquire() {
    return this.holder ? { acquired: false as const, holder: this.holder } : { acquired: true as const };
  }
  async release(_target: unknown, jobId: string) {
    this.released.push(jobId);
  }
}

/** The audit events recorded, in order; jobs only record. */
export class MemoryAudit implements AuditLog {
  events: AuditEventInput[] = [];
  async record(event: AuditEventInput) {
    this.events.push(event);
  }
  async query(): Promise<never> {
    throw new Error('jobs only record');
  }
  get actions(): string[] {
    return this.events.map((e) => e.action);
  }
}

/** The private answers delivered, in order. */
export class FakeAnswers implements PrivateAnswers {
  delivered: { id: string; to: Asker; answer: QueryAnswer }[] = [];
  async deliver(id: string, to: Asker, answer: QueryAnswer) {
    this.delivered.push({ id, to, answer });
  }
  get last(): QueryAnswer | undefined {
    return this.delivered.at(-1)?.answer;
  }
}

/** A port the code under test must not touch: any call fails the test, naming the port and method. */
export function unusedPort<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} was not expected here`);
    },
  });
}
