import { beforeEach, describe, expect, it } from 'vitest';
import { createBuildJob } from '../../../jobs/build.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { newBuildProgress, type BuildJobData } from '../../../src/core/build/build-job.ts';
import { FakeAcr, FakeAcrTasks, FakeCancels, FakeClaims, FakeReporter, FakeVault, Woke, fakeContext } from '../../fakes/index.ts';

function data(over: Partial<BuildJobData['progress']> = {}): BuildJobData {
  return {
    jobId: 'j000000000001',
    requesterId: 'U0ALICE',
    teamId: 'T0',
    channelId: 'C0DEV',
    environment: 'dev',
    target: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg', registry: 'contosodev' },
    spec: {
      images: ['web:v1'],
      file: 'Dockerfile',
      buildArgs: [],
      platform: { os: 'Linux', architecture: 'amd64' },
      noCache: false,
      sourceLocation: 'https://github.com/o/a.git',
    },
    queuedAt: new Date().toISOString(),
    progress: { ...newBuildProgress(), ...over },
  };
}

let acr: FakeAcr;
let reporter: FakeReporter;
let cancels: FakeCancels;
let claims: FakeClaims;
let run: ReturnType<typeof createBuildJob>;

beforeEach(() => {
  acr = new FakeAcr();
  reporter = new FakeReporter();
  cancels = new FakeCancels();
  claims = new FakeClaims();
  run = createBuildJob({
    acr,
    logs: acr.logReader(),
    reporter,
    cancels,
    claims,
    portal: 'https://portal.azure.com',
    pollIntervalMs: 1000,
    acrTasks: new FakeAcrTasks(),
    vault: new FakeVault(),
    environments: {},
  });
});

async function step(ctx: ReturnType<typeof fakeContext<BuildJobData>>): Promise<number | 'done'> {
  try {
    await run(ctx);
    return 'done';
  } catch (err) {
    if (err instanceof Woke) return err.ms;
    throw err;
  }
}

describe('the build job', () => {
  it('saves the run id before reporting, then waits without holding the worker', async () => {
    const ctx = fakeContext(data());
    expect(await step(ctx)).toBe(1000);
    expect(acr.calls).toEqual(['schedule']);
    expect(ctx.saves[0]!.progress.phase).toBe('scheduling');
    expect(ctx.saves[1]!.progress).toMatchObject({ phase: 'following', runId: 'ca1' });
    expect(reporter.last).toMatchObject({ status: 'running', actions: ['cancel'] });
  });

  it('follows the log in batches and finishes with one run lookup', async () => {
    const ctx = fakeContext(data());
    await step(ctx);
    acr.write('ca1', 'Step 1/2 : FROM node\n');
    expect(await step(ctx)).toBe(1000);
    acr.write('ca1', 'Step 2/2 : RUN npm ci\n', { status: 'Succeeded', complete: 'successful' });
    expect(await step(ctx)).toBe('done');
    expect(reporter.messages.filter((m) => m.kind === 'log').map((m) => m.text)).toEqual(['Step 1/2 : FROM node', 'Step 2/2 : RUN npm ci']);
    expect(acr.calls.filter((c) => c === 'getRun')).toHaveLength(1);
    expect(acr.calls.filter((c) => c === 'getLogLink')).toHaveLength(1); // the SAS URL is cached in memory
    expect(reporter.last!.status).toBe('succeeded');
    expect(JSON.stringify(reporter.last!.fields)).toContain(`web:v1@sha256:${'a'.repeat(64)}`);
    expect(JSON.stringify(ctx.data)).not.toContain('sig=secret'); // the SAS URL is never persisted
  });

  const tagged = (image: string) => `Logging in to registry: contosodev.azurecr.io\nSuccessfully tagged contosodev.azurecr.io/${image}\n`;
  const resumedAfterCrash = () => fakeContext(data({ phase: 'scheduling', schedulingSince: new Date(Date.now() - 1000).toISOString() }));

  it('after a crash between scheduleRun and saving its id, adopts that run once its images prove it is ours', async () => {
    await acr.scheduleDockerBuild(data().target, data().spec!); // the call whose answer was lost
    acr.calls = [];
    const resumed = resumedAfterCrash();
    expect(await step(resumed)).toBe(2000); // nothing shown yet: look again
    expect(acr.calls).toEqual(['list', 'getLogLink']);
    expect(reporter.last!.detail?.mrkdwn).toContain('Checking whether run ca1 is this build');
    acr.write('ca1', tagged('web:v1'));
    expect(await step(resumed)).toBe(1000);
    expect(acr.calls.filter((c) => c === 'schedule')).toHaveLength(0);
    expect(resumed.data.progress).toMatchObject({ phase: 'following', runId: 'ca1' });
  });

  it('never adopts a run another job claimed, even when it is the only recent one', async () => {
    const other = await acr.scheduleDockerBuild(data().target, data().spec!);
    await claims.claim('00000000-0000-0000-0000-000000000001/rg/contosodev', other.runId, 'jOTHERJOB0001');
    acr.calls = [];
    const ctx = resumedAfterCrash();
    expect(await step(ctx)).toBe(1000);
    expect(acr.calls).toEqual(['list', 'schedule']); // ours never landed: start it now
    expect(ctx.data.progress.runId).toBe('ca2');
  });

  it('does not take a colleague’s run for its own: other images, or another platform', async () => {
    await acr.scheduleDockerBuild(data().target, data().spec!);
    acr.write('ca1', tagged('api:v1'));
    await acr.scheduleDockerBuild(data().target, { ...data().spec!, platform: { os: 'Linux', architecture: 'arm64' } });
    acr.calls = [];
    const ctx = resumedAfterCrash();
    expect(await step(ctx)).toBe(1000);
    expect(acr.calls.filter((c) => c === 'schedule')).toHaveLength(1);
    expect(ctx.data.progress.runId).toBe('ca3');
  });

  it('refuses to guess when several runs prove alike, and names them', async () => {
    const ctx = resumedAfterCrash();
    for (const runId of ['ca1', 'ca2']) {
      await acr.scheduleDockerBuild(ctx.data.target, ctx.data.spec!);
      acr.write(runId, tagged('web:v1'));
    }
    acr.calls = [];
    expect(await step(ctx)).toBe('done');
    expect(acr.calls.filter((c) => c === 'schedule')).toHaveLength(0);
    expect(reporter.last!.status).toBe('failed');
    expect(JSON.stringify(reporter.messages)).toMatch(/ca1, ca2/);
  });

  it('after a definite refusal (4xx, 429) schedules again without looking for a run', async () => {
    await acr.scheduleDockerBuild(data().target, data().spec!); // a colleague's build at that moment
    acr.failNext = new AzureOperationError('Azure refused to start the build (HTTP 429)', {
      statusCode: 429,
      transient: true,
      hint: 'wait',
      retryAfterMs: 7000,
    });
    acr.calls = [];
    const ctx = fakeContext(data());
    expect(await step(ctx)).toBe(7000);
    expect(ctx.data.progress.phase).toBe('new');
    expect(ctx.data.progress.schedulingSince).toBeUndefined();
    expect(await step(ctx)).toBe(1000);
    expect(acr.calls).toEqual(['schedule', 'schedule']);
    expect(ctx.data.progress.runId).toBe('ca2');
  });

  it('after an answer that leaves the outcome unknown (5xx), looks before scheduling again', async () => {
    acr.failNext = new AzureOperationError('Azure refused to start the build (HTTP 503)', { statusCode: 503, transient: true, hint: 'retry' });
    const ctx = fakeContext(data());
    await expect(run(ctx)).rejects.toThrow(/503/);
    expect(ctx.data.progress).toMatchObject({ phase: 'scheduling' });
    expect(await step(ctx)).toBe(1000);
    expect(acr.calls).toEqual(['schedule', 'list', 'schedule']);
  });

  it('does not start a build that was canceled while queued', async () => {
    await cancels.request('j000000000001', 'U0ALICE');
    const ctx = fakeContext(data());
    expect(await step(ctx)).toBe('done');
    expect(acr.calls).toEqual([]);
    expect(reporter.last).toMatchObject({ status: 'canceled', actions: [] });
  });

  it('retries transient Azure errors, and reports the failure plainly on the last attempt', async () => {
    acr.failNext = new AzureOperationError('Azure refused to start the build (HTTP 503)', { statusCode: 503, transient: true, hint: 'retry' });
    await expect(run(fakeContext(data(), { attemptsMade: 0 }))).rejects.toThrow(/503/);
    expect(reporter.cards).toHaveLength(0);

    acr.failNext = new AzureOperationError('Azure refused to start the build: the registry was not found', {
      statusCode: 404,
      transient: false,
      hint: 'Check the registry name',
    });
    const ctx = fakeContext(data());
    expect(await step(ctx)).toBe('done');
    expect(reporter.last!.status).toBe('failed');
    expect(reporter.messages.at(-1)).toMatchObject({ kind: 'error', hint: 'Check the registry name' });
  });

  it('attaches the log with a plain-words reason when the build fails', async () => {
    const ctx = fakeContext(data());
    await step(ctx);
    acr.write('ca1', "Step 3/5 : RUN npm ci\nThe command '/bin/sh -c npm ci' returned a non-zero code: 1\n", { status: 'Failed', complete: 'failed' });
    expect(await step(ctx)).toBe('done');
    const file = reporter.messages.find((m) => m.kind === 'file');
    expect(file).toMatchObject({ kind: 'file', filename: 'build-ca1.log' });
    expect((file as { comment: string }).comment).toMatch(/Build failed: .*non-zero code.*\n.*Dockerfile failed/);
    expect(reporter.last!.status).toBe('failed');
  });

  // The blob's `Complete` value is ACR's own vocabulary (az CLI acr/_stream_utils.py), not ARM's RunStatus.
  it.each([
    ['successful', 'Succeeded', 'succeeded'],
    ['failed', 'Failed', 'failed'],
    ['internalerror', 'Error', 'failed'],
    ['timedout', 'Timeout', 'timed_out'],
    ['canceled', 'Canceled', 'canceled'],
  ] as const)('reads the log blob’s Complete value %s as %s’s verdict, without asking ARM', async (complete, armStatus, card) => {
    const ctx = fakeContext(data());
    await step(ctx);
    const summary =
      complete === 'successful'
        ? `The following dependencies were found:\n- image:\n    registry: contosodev.azurecr.io\n    repository: web\n    tag: v1\n    digest: sha256:${'b'.repeat(64)}\nRun ID: ca1 was successful after 9s\n`
        : '';
    acr.write('ca1', `Step 1/1 : FROM node\n${summary}`, { status: armStatus, complete });
    acr.calls = [];
    expect(await step(ctx)).toBe('done');
    expect(reporter.last!.status).toBe(card);
    expect(acr.calls).not.toContain('getRun');
  });

  it('takes a Complete value it does not know for no verdict, and asks ARM once', async () => {
    const ctx = fakeContext(data());
    await step(ctx);
    acr.write('ca1', 'Step 1/1 : FROM node\n', { status: 'Succeeded', complete: 'partiallysucceeded' });
    acr.calls = [];
    expect(await step(ctx)).toBe('done');
    expect(acr.calls.filter((c) => c === 'getRun')).toHaveLength(1);
    expect(reporter.last!.status).toBe('succeeded');
    expect(reporter.messages.some((m) => m.kind === 'file')).toBe(false); // no failure log attached
  });

  it('follows a run whose log is an artifact through ARM, then posts the log whole', async () => {
    const ctx = fakeContext(data());
    await step(ctx);
    acr.artifactLogs.add('ca1');
    acr.write('ca1', 'Step 1/1 : FROM node\n');
    expect(await step(ctx)).toBe(3000); // ARM is asked, less often than a blob is read
    acr.write('ca1', 'Run ID: ca1 was successful after 9s\n', { status: 'Succeeded', complete: 'successful' });
    expect(await step(ctx)).toBe('done');
    expect(reporter.last!.status).toBe('succeeded');
    expect(reporter.messages.filter((m) => m.kind === 'log').map((m) => m.text)).toEqual(['Step 1/1 : FROM node\nRun ID: ca1 was successful after 9s']);
    expect(JSON.stringify(reporter.last!.fields)).toContain(`web:v1@sha256:${'a'.repeat(64)}`); // ARM's outputImages
  });

  it('runs an ACR task when the job names one, and never adopts a manual run of it it cannot tell apart', async () => {
    const { spec: _spec, ...rest } = data();
    const taskData: BuildJobData = { ...rest, task: { name: 'buildwebapp' } };
    const ctx = fakeContext(taskData);
    expect(await step(ctx)).toBe(1000);
    expect(acr.taskRuns).toEqual(['buildwebapp']);
    expect(acr.calls).toEqual(['scheduleTask']);
    expect(reporter.last).toMatchObject({ title: 'Run task buildwebapp', status: 'running' });
    expect(JSON.stringify(reporter.last!.fields)).toContain('buildwebapp');

    // A quick build started at the same moment is not this job's run; a manual run of the task may be.
    await acr.scheduleDockerBuild(taskData.target, data().spec!);
    const resumed = fakeContext<BuildJobData>({
      ...taskData,
      jobId: 'j000000000002',
      progress: { ...newBuildProgress(), phase: 'scheduling', schedulingSince: new Date(Date.now() - 1000).toISOString() },
    });
    await acr.scheduleTaskRun(taskData.target, 'buildwebapp'); // the call whose answer was lost
    acr.calls = [];
    expect(await step(resumed)).toBe('done');
    expect(acr.calls).toEqual(['list']);
    expect(resumed.data.progress.runId).toBeUndefined();
    expect(JSON.stringify(reporter.messages.at(-1))).toContain('run ca3');
    expect(JSON.stringify(reporter.messages.at(-1))).not.toContain('ca2');
  });
});
