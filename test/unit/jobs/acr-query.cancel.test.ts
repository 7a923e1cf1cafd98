import { describe, expect, it } from 'vitest';
import type { AcrQueryJobData } from '../../../src/core/build/acr-query.ts';
import { createAcrQueryJob } from '../../../jobs/acr-query.ts';
import {
  FakeAcr,
  FakeAcrTasks,
  FakePrivateAnswers,
  FakeRegistryAdmin,
  FakeRegistryTags,
  FakeRegistryTokens,
  FakeReporter,
  fakeContext,
} from '../../fakes/index.ts';

const target = { subscriptionId: 's', resourceGroup: 'rg', registry: 'contosodev' };

function setup() {
  const acr = new FakeAcr();
  const reporter = new FakeReporter();
  const job = createAcrQueryJob({
    acr,
    reporter,
    logs: acr.logReader(),
    registryTags: new FakeRegistryTags('contosodev.azurecr.io', `sha256:${'a'.repeat(64)}`),
    registryAdmin: new FakeRegistryAdmin(),
    acrTasks: new FakeAcrTasks(),
    registryTokens: new FakeRegistryTokens(),
    answers: new FakePrivateAnswers(),
    portal: 'https://portal.azure.com',
  });
  const data: AcrQueryJobData = {
    jobId: 'j000000000001',
    op: 'cancel',
    requesterId: 'U0ALICE',
    teamId: 'T0',
    channelId: 'C0DEV',
    environment: 'dev',
    queuedAt: new Date().toISOString(),
    target,
    runId: 'ca1',
    phase: 'new',
  };
  return { acr, reporter, job, data };
}

describe('/acr cancel', () => {
  it('says the run was canceled when the build that follows it got there first (it carries the same request)', async () => {
    const { acr, reporter, job, data } = setup();
    acr.runs.set('ca1', { runId: 'ca1', status: 'Canceled', outputImages: [], log: '' });
    await job(fakeContext(data));
    expect(reporter.last?.status).toBe('succeeded');
    expect(reporter.last?.detail?.mrkdwn).toBe('Run ca1 was canceled.');
    expect(acr.calls).not.toContain('cancel');
  });

  it('cancels a running run, and says nothing was canceled for one that had already ended otherwise', async () => {
    const { acr, reporter, job, data } = setup();
    acr.runs.set('ca1', { runId: 'ca1', status: 'Running', outputImages: [], log: '' });
    await job(fakeContext(data));
    expect(acr.calls).toContain('cancel');
    expect(reporter.last?.detail?.mrkdwn).toBe('Run ca1 was canceled.');
    acr.runs.set('ca2', { runId: 'ca2', status: 'Succeeded', outputImages: [], log: '' });
    await job(fakeContext({ ...data, runId: 'ca2' }));
    expect(reporter.last?.detail?.mrkdwn).toBe('Run ca2 has already finished (Succeeded); nothing to cancel.');
  });
});
