/** The `deploy` job's steps one by one, with in-memory ports: plan, approve, apply, poll, and its failure report. */
import { beforeEach, describe, expect, it } from 'vitest';
import { approve, apply, plan, poll, reportFailure, type DeployJobDeps } from '../../../jobs/deploy.ts';
import { JobStop } from '../../../jobs/job-failures.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { DeployJobData, DeployProgress, DeployRecord } from '../../../src/core/deploy/deploy-job.ts';
import { makePlan } from '../../../src/core/deploy/plan.ts';
import { SecretNotFoundError } from '../../../src/core/deploy/secret-not-found.ts';
import { deployJobData, webRequest } from '../../fakes/deploy-job-data.ts';
import { FakeReporter } from '../../fakes/fake-acr.ts';
import { FakeContainerGroups, MemoryApprovals, MemoryAudit, MemoryLocks, fakeRun, runningGroup, waits } from '../../fakes/job-ports.ts';

const digest = `sha256:${'d'.repeat(64)}`;
const prod = environmentSchema.parse({
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg',
  location: 'westeurope',
  registry: 'contosoprod',
  keyVaultUrl: 'https://kv.vault.azure.net',
});

let aci: FakeContainerGroups;
let approvals: MemoryApprovals;
let locks: MemoryLocks;
let audit: MemoryAudit;
let reporter: FakeReporter;
let history: DeployRecord[];
let secrets: Map<string, string>;
let deps: DeployJobDeps;

beforeEach(() => {
  aci = new FakeContainerGroups();
  approvals = new MemoryApprovals();
  locks = new MemoryLocks();
  audit = new MemoryAudit();
  reporter = new FakeReporter();
  history = [];
  secrets = new Map([['db-password', 's3cret']]);
  deps = {
    aci,
    secrets: {
      getSecret: async (vault, name) => {
        const value = secrets.get(name);
        if (value === undefined) throw new SecretNotFoundError(vault, name);
        return value;
      },
    },
    registryTags: {
      resolveDigest: async () => ({ loginServer: 'contosoprod.azurecr.io', digest }),
      loginServer: async () => 'contosoprod.azurecr.io',
      listRepositories: async () => [],
      listTags: async () => [],
    },
    approvals,
    locks,
    history: { record: async (_t, r) => void history.push(r), list: async () => history },
    audit,
    reporter,
    environments: { prod },
    portal: 'https://portal.azure.com',
    pollIntervalMs: 100,
    now: () => new Date('2026-11-28T10:00:00Z'),
  };
});

function planned(progress: Partial<DeployProgress> = {}, data: DeployJobData = deployJobData()): DeployJobData {
  return { ...data, progress: { phase: 'ready', plan: makePlan(data, { loginServer: 'contosoprod.azurecr.io', digest }, { none: true }), ...progress } };
}

describe('deploy step `plan`', () => {
  it('pins the tag to its digest and saves the plan, ready to run when nobody has to approve', async () => {
    const run = fakeRun(deployJobData());
    const next = await plan(deps, run);
    expect(next.progress.phase).toBe('ready');
    expect(next.progress.plan?.image).toBe(`contosoprod.azurecr.io/web@${digest}`);
    expect(run.saves).toHaveLength(1);
    expect(reporter.last).toMatchObject({ status: 'queued' });
    expect(aci.calls).toEqual(['find web']);
  });

  it('asks the requester to confirm a replacement of the live group', async () => {
    aci.groups.set('web', { ...runningGroup, containers: [{ name: 'web', image: 'x', cpu: 1, memoryInGB: 1.5 }] });
    const next = await plan(deps, fakeRun(deployJobData({ ...webRequest, cpu: 2 })));
    expect(next.progress.phase).toBe('awaiting-approval');
    expect(next.progress.plan?.replaces?.changes.length).toBeGreaterThan(0);
    expect(next.approval).toMatchObject({ mode: 'confirm', required: 1 });
  });

  it('refuses, before anything changes, a deploy whose Key Vault secret is missing', async () => {
    const request = { ...webRequest, secureEnvironmentVariables: [{ name: 'DB', secretName: 'missing' }] };
    await expect(plan(deps, fakeRun(deployJobData(request)))).rejects.toThrow(JobStop);
    await expect(plan(deps, fakeRun(deployJobData(request)))).rejects.toThrow(/Nothing was deployed/);
    expect(aci.calls.filter((c) => c.startsWith('put'))).toEqual([]);
  });
});

describe('deploy step `approve`', () => {
  const awaiting = () => planned({ phase: 'awaiting-approval' }, { ...deployJobData(), approval: { required: 1, expiresAfterMs: 60_000 } });

  it('opens the request, shows it on the card once and sleeps until someone decides', async () => {
    const run = fakeRun(awaiting());
    await expect(approve(deps, run)).rejects.toMatchObject(waits(15_000));
    expect(approvals.states.get('j000000000001')).toMatchObject({ status: 'pending', planHash: run.data.progress.plan!.hash });
    expect(reporter.last).toMatchObject({ status: 'awaiting_approval' });
    expect(run.saves.at(-1)!.progress.approvalShown).toBe('pending:0');
  });

  it('goes on to the PUT once approved, and ends the job unchanged once rejected', async () => {
    await expect(approve(deps, fakeRun(awaiting()))).rejects.toMatchObject({ name: 'DurableWait' });
    approvals.decide('j000000000001', 'approved', ['U0BOSS']);
    expect((await approve(deps, fakeRun(awaiting()))).progress.phase).toBe('ready');
    approvals.decide('j000000000001', 'rejected');
    const rejected = await approve(deps, fakeRun(awaiting()));
    expect(rejected.progress).toMatchObject({ phase: 'done', outcome: 'rejected' });
    expect(aci.calls).toEqual([]);
  });
});

describe('deploy step `apply`', () => {
  it('waits for the job holding the group, saying so on the card once', async () => {
    locks.holder = 'jOTHER0000001';
    const run = fakeRun(planned());
    await expect(apply(deps, run)).rejects.toMatchObject(waits(200));
    expect(run.saves.at(-1)!.progress.waitingFor).toBe('jOTHER0000001');
    expect(reporter.last!.detail?.mrkdwn).toContain('Waiting for job jOTHER0000001');
    expect(aci.calls).toEqual([]);
  });

  it('audits, saves `putting`, sends the PUT and saves its resume token before it waits', async () => {
    const run = fakeRun(planned());
    await expect(apply(deps, run)).rejects.toMatchObject(waits(100));
    expect(audit.actions).toEqual(['deploy.apply']);
    expect(run.saves.map((s) => s.progress.phase)).toEqual(['putting', 'polling']);
    expect(run.saves.at(-1)!.progress.resumeToken).toBe('resume-1');
    expect(aci.calls).toEqual(['put web']);
  });
});

describe('deploy step `poll`', () => {
  const polling = () => planned({ phase: 'polling', resumeToken: 'resume-1' });

  it('looks again later while the operation runs', async () => {
    aci.poll = { done: false };
    await expect(poll(deps, fakeRun(polling()))).rejects.toMatchObject(waits(100));
    expect(history).toEqual([]);
  });

  it('records the deploy, closes the card, releases the lock and audits the result', async () => {
    const done = await poll(deps, fakeRun(polling()));
    expect(done.progress).toMatchObject({ phase: 'done', outcome: 'succeeded' });
    expect(history.map((r) => r.digest)).toEqual([digest]);
    expect(reporter.last).toMatchObject({ status: 'succeeded' });
    expect(locks.released).toEqual(['j000000000001']);
    expect(audit.events.at(-1)).toMatchObject({ action: 'deploy.result', outcome: 'succeeded' });
  });

  it('reports a failed deployment in the thread and records nothing in the history', async () => {
    aci.poll = { done: true, error: { code: 'InaccessibleImage', message: 'The image cannot be pulled.' } };
    const done = await poll(deps, fakeRun(polling()));
    expect(done.progress).toMatchObject({ phase: 'done', outcome: 'failed' });
    expect(reporter.messages.some((m) => m.kind === 'error')).toBe(true);
    expect(history).toEqual([]);
    expect(audit.events.at(-1)).toMatchObject({ action: 'deploy.result', outcome: 'failed', reason: 'InaccessibleImage' });
  });
});

describe('deploy failure report', () => {
  it('calls a stop `refused`, anything else `failed`, and releases the lock either way', async () => {
    const stopped = fakeRun(planned());
    await reportFailure(deps, stopped, new JobStop('No.', 'Do this.'));
    expect(stopped.saves.at(-1)!.progress).toMatchObject({ phase: 'done', outcome: 'refused' });
    const failed = fakeRun(planned());
    await reportFailure(deps, failed, new AzureOperationError('Azure refused.', { hint: 'Check access.', transient: false, statusCode: 403 }));
    expect(failed.saves.at(-1)!.progress).toMatchObject({ phase: 'done', outcome: 'failed' });
    expect(reporter.last).toMatchObject({ status: 'failed' });
    expect(locks.released).toEqual(['j000000000001', 'j000000000001']);
  });
});
