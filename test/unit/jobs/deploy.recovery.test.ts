/**
 * The `deploy` job with in-memory ports: a worker that lost its job (or the group's lock) stops
 * before it sends anything, and a replacement resumed after the delete never deletes again.
 */
import { describe, expect, it } from 'vitest';
import { createDeployJob } from '../../../jobs/deploy.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import type { ContainerGroupView } from '../../../src/core/deploy/container-group.ts';
import type { DeployHistory, DeployJobData, DeployProgress, DeployRecord, GroupLocks } from '../../../src/core/deploy/deploy-job.ts';
import { makePlan } from '../../../src/core/deploy/plan.ts';
import { JobLockLostError } from '../../../src/core/job-context.ts';
import { FakeApprovals, FakeAudit, FakeContainerGroups, FakeRegistryTags, FakeReporter, deployJobData, fakeContext, webRequest } from '../../fakes/index.ts';

const env = environmentSchema.parse({
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg',
  location: 'westeurope',
  registry: 'contosoprod',
});
const digest = `sha256:${'d'.repeat(64)}`;
const view: ContainerGroupView = {
  name: 'web',
  provisioningState: 'Succeeded',
  state: 'Running',
  ports: [],
  events: [],
  containers: [{ name: 'web', image: 'x', cpu: 1, memoryInGB: 1.5 }],
  restartPolicy: 'Always',
  osType: 'Linux',
};

function setup(progress: Partial<DeployProgress>, opts: { lockHolder?: string; loseJobAfter?: number } = {}) {
  const aci = new FakeContainerGroups(view);
  const reporter = new FakeReporter();
  const history: DeployRecord[] = [];
  const audit = new FakeAudit();
  const released: string[] = [];
  const base = deployJobData({ ...webRequest, cpu: 2 });
  const plan = makePlan(base, { loginServer: 'contosoprod.azurecr.io', digest }, { none: true }, { changes: [{ property: 'CPU', from: '1', to: '2' }] });
  const data: DeployJobData = { ...base, progress: { phase: 'ready', plan, ...progress } };
  const locks: GroupLocks = {
    acquire: async () => (opts.lockHolder ? { acquired: false, holder: opts.lockHolder } : { acquired: true }),
    release: async (_t, jobId) => {
      released.push(jobId);
    },
  };
  const deps = {
    aci,
    secrets: { getSecret: async () => 'x' },
    registryTags: new FakeRegistryTags('contosoprod.azurecr.io', digest),
    approvals: new FakeApprovals(),
    locks,
    history: { record: async (_t, r) => void history.push(r), list: async () => history } satisfies DeployHistory,
    audit,
    reporter,
    environments: { prod: env },
    portal: 'https://portal.azure.com',
    pollIntervalMs: 10,
  };
  const ctx = fakeContext(data);
  let keeps = 0;
  if (opts.loseJobAfter !== undefined) {
    ctx.keepLock = async () => {
      keeps += 1;
      if (keeps > opts.loseJobAfter!) throw new JobLockLostError(ctx.id);
    };
  }
  return { run: createDeployJob(deps), ctx, aci, reporter, history, audited: audit.events, released };
}

describe('a deploy whose worker stalled', () => {
  it('stops without a card, a record or a save when another worker took the job over during the poll', async () => {
    const t = setup({ phase: 'polling', resumeToken: 'token', startedAt: '2026-11-28T10:00:01.000Z' }, { loseJobAfter: 0 });
    await expect(t.run(t.ctx)).rejects.toBeInstanceOf(JobLockLostError);
    expect(t.aci.calls).toEqual(['poll']);
    expect(t.reporter.cards).toEqual([]);
    expect(t.reporter.messages).toEqual([]);
    expect(t.history).toEqual([]);
    expect(t.ctx.saves).toEqual([]);
    expect(t.audited).toEqual([]);
    expect(t.released).toEqual([]);
  });

  it('does not send the PUT when it lost the job just before it', async () => {
    const t = setup({ phase: 'putting' }, { loseJobAfter: 0 });
    await expect(t.run(t.ctx)).rejects.toBeInstanceOf(JobLockLostError);
    expect(t.aci.calls).toEqual([]);
    expect(t.reporter.cards).toEqual([]);
  });

  it('reports an unknown outcome instead of success when another job holds the group’s lock by the time it polls', async () => {
    const t = setup({ phase: 'polling', resumeToken: 'token' }, { lockHolder: 'j0000000000zz' });
    await t.run(t.ctx);
    expect(t.aci.calls).toEqual([]);
    expect(t.history).toEqual([]);
    expect(t.reporter.last?.status).toBe('failed');
    expect(t.reporter.last?.detail?.mrkdwn).toContain('Job j0000000000zz started changing web while this deploy was still being followed');
    expect(t.released).toEqual(['j000000000001']);
  });
});

describe('a replacement resumed after a crash', () => {
  it('resumes a crash during the delete by deleting again, then creating', async () => {
    const t = setup({ phase: 'deleting' });
    await expect(t.run(t.ctx)).rejects.toMatchObject({ name: 'DelayedError' });
    expect(t.aci.calls).toEqual(['delete', 'put']);
  });

  it('resumes a crash after the delete with the create only, never deleting the new group', async () => {
    const t = setup({ phase: 'putting' });
    await expect(t.run(t.ctx)).rejects.toMatchObject({ name: 'DelayedError' });
    expect(t.aci.calls).toEqual(['put']);
    expect(t.ctx.saves.map((s) => s.progress.phase)).toEqual(['putting', 'polling']);
  });
});
