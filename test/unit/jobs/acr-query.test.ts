/** The `acr-query` job's steps: each op's private answer, `/acr cancel` on its public card, and failures. */
import { beforeEach, describe, expect, it } from 'vitest';
import { acrQueryJob, answerQuery, answers as opAnswers, cancelRun, reportFailure, type AcrQueryJobDeps } from '../../../jobs/acr-query.ts';
import { runSteps } from '../../../jobs/step-runner.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AcrQueryJobData, AcrQueryOp } from '../../../src/core/build/acr-query.ts';
import type { RegistryToken } from '../../../src/core/credentials/ports.ts';
import { FakeAcr, FakeReporter, fakeContext } from '../../fakes/fake-acr.ts';
import { FakeAnswers, fakeRun, unusedPort } from '../../fakes/job-ports.ts';

let acr: FakeAcr;
let reporter: FakeReporter;
let answers: FakeAnswers;
let tokens: RegistryToken[];
let deps: AcrQueryJobDeps;

beforeEach(() => {
  acr = new FakeAcr();
  reporter = new FakeReporter();
  answers = new FakeAnswers();
  tokens = [];
  deps = {
    acr,
    logs: acr.logReader(),
    registryTags: unusedPort('registryTags'),
    registryAdmin: unusedPort('registryAdmin'),
    acrTasks: unusedPort('acrTasks'),
    registryTokens: { ...unusedPort('registryTokens'), list: async () => tokens },
    reporter,
    answers,
    portal: 'https://portal.azure.com',
    now: () => new Date('2026-11-28T10:00:00Z'),
  };
});

function job(op: AcrQueryOp, over: Partial<AcrQueryJobData> = {}): AcrQueryJobData {
  return {
    jobId: 'jACR000000001',
    op,
    requesterId: 'U0REQ',
    teamId: 'T0',
    channelId: 'C0',
    environment: 'dev',
    queuedAt: '2026-11-28T10:00:00.000Z',
    target: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', registry: 'contosodev' },
    phase: 'new',
    ...over,
  };
}

const base = { title: 'T', environment: 'dev', links: [] };
const spec = {
  images: ['web:v1'],
  file: 'Dockerfile',
  buildArgs: [],
  platform: { os: 'Linux' as const, architecture: 'amd64' as const },
  noCache: false,
  sourceLocation: 'https://github.com/o/a.git',
};

describe('acr-query answers', () => {
  it('`runs`: says so when there are none, and lists them as a table otherwise', async () => {
    expect((await opAnswers.runs(deps, job('runs'), base)).summary.mrkdwn).toContain('No runs in contosodev');
    await acr.scheduleDockerBuild(job('runs').target, spec);
    const found = await opAnswers.runs(deps, job('runs'), base);
    expect(found.summary.mrkdwn).toContain('The most recent run');
    expect(found.text?.content).toMatch(/^RUN .*\nca1 +Queued/);
  });

  it('`tokens`: when each password expires, flagging the ones within 30 days, never a value', async () => {
    tokens = [
      { id: 't1', name: 'ci', status: 'enabled', passwords: [{ name: 'password1', expiry: '2026-12-10T00:00:00Z' }] },
      { id: 't2', name: 'old', status: 'enabled', passwords: [{ name: 'password1', expiry: '2026-11-01T00:00:00Z' }, { name: 'password2' }] },
    ];
    const found = await opAnswers.tokens(deps, job('tokens'), base);
    expect(found.summary.mrkdwn).toContain('2 tokens, 2 with a password expiring within 30 days');
    expect(found.text?.content).toContain('2026-12-10 (11d)');
    expect(found.text?.content).toContain('EXPIRED 2026-11-01');
    expect(found.text?.content).toContain('never expires');
  });

  it('delivers the answer privately and ends the job', async () => {
    const done = await answerQuery(deps, fakeRun(job('runs')));
    expect(answers.delivered).toMatchObject([{ id: 'jACR000000001', to: { userId: 'U0REQ' } }]);
    expect(done.phase).toBe('done');
  });

  it('delivers what Azure refused as a failed answer', async () => {
    acr.failNext = new AzureOperationError('The registry is gone.', { hint: 'Check it.', transient: false, statusCode: 404 });
    await answerQuery(deps, fakeRun(job('runs')));
    expect(answers.last).toMatchObject({ failure: { hint: 'Check it.' } });
  });
});

describe('acr-query cancel', () => {
  it('cancels a run still going and says so on its card', async () => {
    const { runId } = await acr.scheduleDockerBuild(job('cancel').target, spec);
    acr.write(runId, 'Step 1\n');
    const done = await cancelRun(deps, fakeRun(job('cancel', { runId })));
    expect(acr.calls).toContain('cancel');
    expect(reporter.last).toMatchObject({ status: 'succeeded' });
    expect(reporter.last!.detail?.mrkdwn).toContain(`Run ${runId} was canceled`);
    expect(done.phase).toBe('done');
  });

  it('leaves a finished run alone', async () => {
    const { runId } = await acr.scheduleDockerBuild(job('cancel').target, spec);
    acr.write(runId, 'done\n', { status: 'Succeeded', complete: 'successful' });
    await cancelRun(deps, fakeRun(job('cancel', { runId })));
    expect(acr.calls).not.toContain('cancel');
    expect(reporter.last!.detail?.mrkdwn).toContain('has already finished (Succeeded); nothing to cancel');
  });

  it('reports a cancel that failed on its card; a query’s failure fails the attempt instead', async () => {
    const run = fakeRun(job('cancel', { runId: 'ca9' }));
    await reportFailure(deps, run, new AzureOperationError('No such run.', { hint: 'Check the id.', transient: false, statusCode: 404 }));
    expect(reporter.messages.map((m) => m.kind)).toEqual(['error']);
    expect(reporter.last).toMatchObject({ status: 'failed' });
    expect(run.saves.at(-1)!.phase).toBe('done');
    await expect(reportFailure(deps, fakeRun(job('runs')), new TypeError('boom'))).rejects.toThrow('boom');
  });

  it('runs end to end through the runner: a throttled cancel waits out Retry-After', async () => {
    acr.failNext = new AzureOperationError('Throttled.', { hint: 'Wait.', transient: true, statusCode: 429, retryAfterMs: 3000 });
    await expect(runSteps(acrQueryJob, deps)(fakeContext(job('cancel', { runId: 'ca1' })))).rejects.toMatchObject({ ms: 3000 });
    expect(reporter.cards).toEqual([]);
  });
});
