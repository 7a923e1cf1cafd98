/** The `aci-action` job's steps one by one: private answers for show/logs/list, and changes behind approval and the group's lock. */
import { beforeEach, describe, expect, it } from 'vitest';
import { aciActionJob, answerQuery, approve, change, reportFailure, request, type AciActionJobDeps } from '../../../jobs/aci-action.ts';
import { runSteps } from '../../../jobs/step-runner.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AciActionJobData, AciActionOp } from '../../../src/core/deploy/aci-action-job.ts';
import { FakeReporter, fakeContext } from '../../fakes/fake-acr.ts';
import { FakeAnswers, FakeContainerGroups, MemoryApprovals, MemoryAudit, MemoryLocks, fakeRun, runningGroup, waits } from '../../fakes/job-ports.ts';

let aci: FakeContainerGroups;
let approvals: MemoryApprovals;
let locks: MemoryLocks;
let audit: MemoryAudit;
let reporter: FakeReporter;
let answers: FakeAnswers;
let removed: string[];
let deps: AciActionJobDeps;

beforeEach(() => {
  aci = new FakeContainerGroups();
  approvals = new MemoryApprovals();
  locks = new MemoryLocks();
  audit = new MemoryAudit();
  reporter = new FakeReporter();
  answers = new FakeAnswers();
  removed = [];
  deps = {
    aci,
    approvals,
    locks,
    audit,
    reporter,
    answers,
    history: { removed: async (ref) => void removed.push(ref.name) },
    environments: { prod: environmentSchema.parse({ subscriptionId: '11111111-1111-1111-1111-111111111111', resourceGroup: 'rg', location: 'westeurope' }) },
    portal: 'https://portal.azure.com',
    pollIntervalMs: 100,
  };
});

function job(op: AciActionOp, over: Partial<AciActionJobData> = {}): AciActionJobData {
  return {
    jobId: 'jACI000000001',
    op,
    requesterId: 'U0REQ',
    teamId: 'T0',
    channelId: 'C0',
    environment: 'prod',
    queuedAt: '2026-11-28T10:00:00.000Z',
    target: { subscriptionId: '11111111-1111-1111-1111-111111111111', resourceGroup: 'rg', name: 'web' },
    progress: { phase: 'new' },
    ...over,
  };
}

const notFound = () => new AzureOperationError('There is no container group web.', { hint: 'Check the name.', transient: false, statusCode: 404 });

describe('aci-action queries', () => {
  it('answers `show` to the requester alone and ends the job', async () => {
    const done = await answerQuery(deps, fakeRun(job('show')));
    expect(answers.delivered.map((d) => d.to.userId)).toEqual(['U0REQ']);
    expect(answers.last!.summary.mrkdwn).toContain('web is Running');
    expect(done.progress).toMatchObject({ phase: 'done', outcome: 'succeeded' });
    expect(reporter.cards).toEqual([]);
  });

  it('answers `logs` with the tail of the first container', async () => {
    aci.logText = 'line 1\r\nline 2\r\n';
    await answerQuery(deps, fakeRun(job('logs', { tail: 5 })));
    expect(aci.calls).toContain('logs web/web/5');
    expect(answers.last!.text?.content).toBe('line 1\nline 2');
  });

  it('answers `list` with every group of the resource group', async () => {
    aci.groups.set('web', runningGroup);
    aci.groups.set('api', { ...runningGroup, name: 'api', state: 'Stopped' });
    await answerQuery(deps, fakeRun(job('list')));
    expect(answers.last!.text?.content).toMatch(/web .*\napi .*Stopped/);
  });

  it('tells the requester what Azure refused, as a failed answer', async () => {
    aci.failNext = notFound();
    const done = await answerQuery(deps, fakeRun(job('show')));
    expect(answers.last!.failure).toBeDefined();
    expect(done.progress.outcome).toBe('failed');
  });

  it('leaves a transient error to the queue while attempts remain', async () => {
    aci.failNext = new AzureOperationError('Busy.', { hint: 'Later.', transient: true, statusCode: 503 });
    await expect(answerQuery(deps, fakeRun(job('show')))).rejects.toMatchObject({ statusCode: 503 });
    expect(answers.delivered).toEqual([]);
  });
});

describe('aci-action changes', () => {
  const approval = { mode: 'confirm' as const, required: 1, expiresAfterMs: 60_000 };

  it('opens the approval of a delete, and goes straight to work without one', async () => {
    expect((await request(deps, fakeRun(job('delete', { approval })))).progress.phase).toBe('awaiting-approval');
    expect(approvals.states.get('jACI000000001')?.planHash).toBe('delete:11111111-1111-1111-1111-111111111111/rg/web');
    expect((await request(deps, fakeRun(job('restart')))).progress.phase).toBe('ready');
  });

  it('sleeps while the approval is pending and ends unchanged when it expires', async () => {
    const waiting = job('delete', { approval, progress: { phase: 'awaiting-approval' } });
    await request(deps, fakeRun(job('delete', { approval })));
    await expect(approve(deps, fakeRun(waiting))).rejects.toMatchObject({ name: 'DurableWait' });
    approvals.decide('jACI000000001', 'expired');
    expect((await approve(deps, fakeRun(waiting))).progress).toMatchObject({ phase: 'done', outcome: 'expired' });
    expect(aci.calls).toEqual([]);
  });

  it('waits for the job holding the group', async () => {
    locks.holder = 'jOTHER0000001';
    const run = fakeRun(job('restart', { progress: { phase: 'ready' } }));
    await expect(change(deps, run)).rejects.toMatchObject(waits(200));
    expect(run.saves.at(-1)!.progress.waitingFor).toBe('jOTHER0000001');
    expect(aci.calls).toEqual([]);
  });

  it('audits first, then deletes, forgets the deployed group and releases the lock', async () => {
    const done = await change(deps, fakeRun(job('delete', { progress: { phase: 'ready' } })));
    expect(audit.actions).toEqual(['aci.delete.apply']);
    expect(aci.calls).toEqual(['delete web']);
    expect(removed).toEqual(['web']);
    expect(done.progress).toMatchObject({ phase: 'done', outcome: 'succeeded' });
    expect(reporter.last).toMatchObject({ status: 'succeeded' });
    expect(locks.released).toEqual(['jACI000000001']);
  });

  it('reports a change that failed on the card and in the thread, and releases the lock', async () => {
    const run = fakeRun(job('stop', { progress: { phase: 'ready' } }));
    await reportFailure(deps, run, notFound());
    expect(reporter.messages.map((m) => m.kind)).toEqual(['error']);
    expect(reporter.last).toMatchObject({ status: 'failed' });
    expect(run.saves.at(-1)!.progress).toMatchObject({ phase: 'done', outcome: 'failed' });
    expect(locks.released).toEqual(['jACI000000001']);
  });

  it('fails the attempt (no card) when a query’s answer cannot be delivered on the last attempt', async () => {
    answers.deliver = async () => {
      throw new TypeError('Slack said no');
    };
    const ctx = fakeContext(job('show'), { attemptsMade: 4, maxAttempts: 5 });
    await expect(runSteps(aciActionJob, deps)(ctx)).rejects.toThrow('Slack said no');
    expect(reporter.cards).toEqual([]);
    expect(ctx.saves).toEqual([]);
  });
});
