/** The `cancel-build` job: its one step, and its failures going through the runner like every job's. */
import { describe, expect, it } from 'vitest';
import { createCancelBuildJob } from '../../../jobs/cancel-build.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { newBuildProgress, type BuildJobData } from '../../../src/core/build/build-job.ts';
import type { JobQueue } from '../../../src/core/job-queue.ts';
import { FakeAcr, FakeReporter, fakeContext } from '../../fakes/fake-acr.ts';

function setup() {
  const acr = new FakeAcr();
  const reporter = new FakeReporter();
  const build: BuildJobData = {
    jobId: 'jBUILD0000001',
    requesterId: 'U0ALICE',
    teamId: 'T0',
    channelId: 'C0',
    environment: 'dev',
    target: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', registry: 'contosodev' },
    queuedAt: '2026-11-28T10:00:00.000Z',
    progress: { ...newBuildProgress(), phase: 'following', runId: 'ca1' },
  };
  const jobs: JobQueue = {
    submit: async () => {},
    get: async (id) => (id === build.jobId ? { id, kind: 'build', state: 'delayed', data: build } : undefined),
    wake: async () => {},
  };
  return { acr, reporter, run: createCancelBuildJob({ acr, jobs, reporter }) };
}

const ask = { buildJobId: 'jBUILD0000001', requestedBy: 'U0BOB' };

describe('the cancel-build job', () => {
  it('cancels the build’s run and says who did in its thread', async () => {
    const t = setup();
    await t.acr.scheduleDockerBuild(
      { subscriptionId: '', resourceGroup: '', registry: '' },
      { images: [], file: 'Dockerfile', buildArgs: [], platform: { os: 'Linux', architecture: 'amd64' }, noCache: false, sourceLocation: 'x' },
    );
    await t.run(fakeContext(ask));
    expect(t.acr.runs.get('ca1')!.status).toBe('Canceled');
    expect(t.reporter.messages).toMatchObject([{ kind: 'note' }]);
  });

  it('waits out ACR’s Retry-After instead of spending an attempt (it used to fail on the last one)', async () => {
    const t = setup();
    t.acr.failNext = new AzureOperationError('Too many requests.', { hint: 'Wait.', transient: true, statusCode: 429, retryAfterMs: 5000 });
    await expect(t.run(fakeContext(ask, { attemptsMade: 4, maxAttempts: 5 }))).rejects.toMatchObject({ ms: 5000 });
    expect(t.reporter.messages).toEqual([]);
  });

  it('says in the build’s thread when ACR refused for good', async () => {
    const t = setup();
    t.acr.failNext = new AzureOperationError('Not allowed.', { hint: 'Ask for the AcrPush role.', transient: false, statusCode: 403 });
    await t.run(fakeContext(ask));
    expect(t.reporter.messages).toMatchObject([{ kind: 'error', text: 'Could not cancel run ca1. Not allowed.', hint: 'Ask for the AcrPush role.' }]);
  });
});
