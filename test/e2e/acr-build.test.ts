import { afterEach, describe, expect, it } from 'vitest';
import { defaultYaml, ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';

const source = 'https://github.com/org/app.git#main:src';
let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function cardOf(harness: Harness, jobId: string) {
  return harness.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId));
}

function cardText(harness: Harness, jobId: string): string {
  return JSON.stringify(cardOf(harness, jobId)?.blocks ?? []);
}

async function queueBuild(harness: Harness, text: string, opts: Parameters<Harness['command']>[1] = {}): Promise<string> {
  const res = await harness.command(`build ${text}`, opts);
  expect(res.status).toBe(200);
  const body = replyOf(res);
  expect(body.response_type).toBe('ephemeral');
  const jobId = /`(j[0-9a-z]{12})`/.exec(body.text)?.[1];
  expect(jobId, body.text).toBeDefined();
  return jobId!;
}

async function waitForCard(harness: Harness, jobId: string, status: string, timeoutMs = 30_000): Promise<void> {
  await harness.slack.waitFor(() => cardText(harness, jobId).includes(status), timeoutMs);
}

describe('/acr build end to end', () => {
  it('queues, shows the live log in the thread and finishes the card as Succeeded with the pushed image', async () => {
    h = await startHarness();
    const jobId = await queueBuild(h, `-t web:v1 -f Dockerfile ${source}`);
    await waitForCard(h, jobId, 'Succeeded');

    const card = cardOf(h, jobId)!;
    const history = [...(card.history ?? []).map((v) => JSON.stringify(v.blocks)), JSON.stringify(card.blocks)];
    expect(history[0]).toContain('Queued');
    expect(history.some((b) => b.includes('Running'))).toBe(true);
    const final = JSON.stringify(card.blocks);
    expect(final).toMatch(/contosodev\.azurecr\.io\/web:v1@sha256:[0-9a-f]{64}/);
    expect(final).toContain('Duration');
    expect(final).not.toContain('job.cancel'); // no Cancel button on a finished card

    const replies = h.slack.thread(ids.devChannel, card.ts);
    const log = replies.map((r) => r.text ?? '').join('\n');
    expect(log).toMatch(/Step 1\/\d/);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
    const scheduled = h.azure.requests.find((r: { method: string; path: string }) => r.method === 'POST' && /\/scheduleRun$/.test(r.path))!;
    expect(scheduled.body).toMatchObject({
      type: 'DockerBuildRequest',
      imageNames: ['web:v1'],
      dockerFilePath: 'Dockerfile',
      sourceLocation: source,
      isPushEnabled: true,
    });
  });

  it('attaches the full log and explains a failed build in plain words', async () => {
    h = await startHarness();
    const jobId = await queueBuild(h, `-t will-fail:v1 ${source}`);
    await waitForCard(h, jobId, 'Failed');
    const card = cardOf(h, jobId)!;
    await h.slack.waitFor(() => h!.slack.files.length > 0, 10_000);
    const file = h.slack.files[0]!;
    expect(file.threadTs).toBe(card.ts);
    expect(file.content).toContain('returned a non-zero code');
    expect(file.initialComment ?? '').toMatch(/Build failed/);
    expect(file.initialComment ?? '').toMatch(/Dockerfile failed|step/i);
  });

  it('asks ARM, once, when the log ends with a Complete value ACR does not document', async () => {
    h = await startHarness();
    h.azure.acr.nextRunScenario({ outcome: 'Succeeded', completeMetadata: 'partiallysuccessful' });
    const jobId = await queueBuild(h, `-t web:v8 ${source}`);
    await waitForCard(h, jobId, 'Succeeded');
    expect(cardText(h, jobId)).toMatch(/web:v8@sha256:[0-9a-f]{64}/);
    expect(h.slack.files).toHaveLength(0); // not a failure: no log attached
    expect(h.azure.count('GET', /\/runs\/ca\d+$/)).toBe(1);
  });

  it('explains in plain words that the subscription does not allow ACR Tasks', async () => {
    h = await startHarness();
    h.azure.acr.disallowTasks(ids.subscription);
    const jobId = await queueBuild(h, `-t web:v9 ${source}`);
    await waitForCard(h, jobId, 'Failed');
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1); // a refusal is not retried
    const thread = () =>
      h!.slack
        .thread(ids.devChannel, cardOf(h!, jobId)!.ts)
        .map((m) => m.text ?? '')
        .join('\n');
    await h.slack.waitFor(() => thread().includes('ACR Tasks'), 5_000);
    const error = thread();
    expect(error).toContain('ACR Tasks, which runs `/acr build` and `/acr task run`, is not enabled for the subscription of registry contosodev');
    expect(error).toMatch(/free-trial/);
    expect(error).toContain('https://aka.ms/azuresupport');
  });

  it('cancels the run when the requester presses Cancel, and refuses anyone else', async () => {
    h = await startHarness({ azure: { queuedMs: 200, buildDurationMs: 20_000, logLineIntervalMs: 200 } });
    const jobId = await queueBuild(h, `-t web:v2 ${source}`);
    await waitForCard(h, jobId, 'Running');
    await h.slack.waitFor(() => cardText(h!, jobId).includes('job.cancel'), 10_000);
    const card = cardOf(h, jobId)!;

    await h.click('job.cancel', jobId, { userId: ids.bob, messageTs: card.ts });
    await h.slack.waitFor(
      () => h!.slack.responses.some((r) => JSON.stringify(r.body).includes('role in *dev* to cancel jobs that someone else started')),
      5_000,
    );
    expect(h.azure.count('POST', /\/cancel$/)).toBe(0);

    await h.click('job.cancel', jobId, { userId: ids.alice, messageTs: card.ts });
    await waitForCard(h, jobId, 'Canceled');
    expect(h.azure.count('POST', /\/cancel$/)).toBe(1);
    expect(cardText(h, jobId)).toContain(`canceled by <@${ids.alice}>`);
  });

  it('keeps the final card right while Slack answers 429 for 20 seconds', async () => {
    h = await startHarness();
    // Slack limits per method: the card's methods are throttled, the rest of the API answers.
    h.slack.rateLimit({ method: 'chat.postMessage', forMs: 20_000, retryAfterSeconds: 5 });
    h.slack.rateLimit({ method: 'chat.update', forMs: 20_000, retryAfterSeconds: 5 });
    const jobId = await queueBuild(h, `-t web:v3 ${source}`);
    await waitForCard(h, jobId, 'Succeeded', 60_000);
    const rejected = h.slack.calls.filter((c) => c.status === 429);
    expect(rejected.length).toBeGreaterThan(0);
    const card = cardOf(h, jobId)!;
    expect(JSON.stringify(card.blocks)).toMatch(/web:v3@sha256/);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
  });

  it('resumes the same ACR run after the worker is SIGKILLed mid-build', async () => {
    h = await startHarness({ worker: 'child', azure: { queuedMs: 200, buildDurationMs: 8_000, logLineIntervalMs: 200 } });
    const jobId = await queueBuild(h, `-t web:v4 ${source}`);
    await h.slack.waitFor(() => {
      const card = cardOf(h!, jobId);
      return !!card && h!.slack.thread(ids.devChannel, card.ts).length > 0;
    }, 20_000);
    await h.killWorker();
    await h.startWorker();
    await waitForCard(h, jobId, 'Succeeded', 60_000);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
  });

  it('when the answer to scheduleRun is lost, finds the run it started instead of starting a second one', async () => {
    h = await startHarness();
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 500, afterHandler: true });
    const jobId = await queueBuild(h, `-t web:v7 ${source}`);
    await waitForCard(h, jobId, 'Succeeded', 30_000);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
    expect(h.azure.acr.runs()).toHaveLength(1);
    expect(h.azure.count('GET', /\/runs$/)).toBeGreaterThanOrEqual(1); // it looked the run up
    // With no filter form the REST API does not document: the time window is applied by the bot.
    for (const list of h.azure.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/runs'))) expect(list.query.$filter).toBeUndefined();
  });

  it('after a definite refusal (429) schedules again, and never adopts a colleague’s run', async () => {
    h = await startHarness();
    const colleagues = h.azure.acr.startRun('contosodev', { imageNames: ['other:v1'] });
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 429, retryAfterSeconds: 1 });
    const jobId = await queueBuild(h, `-t web:v10 ${source}`);
    await waitForCard(h, jobId, 'Succeeded');
    expect(cardText(h, jobId)).toMatch(/web:v10@sha256/);
    expect(cardText(h, jobId)).not.toContain(`\`${colleagues}\``);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(2);
    expect(h.azure.count('GET', /\/runs$/)).toBe(0); // a refusal leaves nothing to look for
  });

  it('when nothing landed (5xx before ACR did anything), does not take a colleague’s build for its own', async () => {
    h = await startHarness();
    const colleagues = h.azure.acr.startRun('contosodev', { imageNames: ['other:v1'] });
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 500 });
    const jobId = await queueBuild(h, `-t web:v11 ${source}`);
    await waitForCard(h, jobId, 'Succeeded');
    expect(cardText(h, jobId)).toMatch(/web:v11@sha256/);
    expect(cardText(h, jobId)).not.toContain(`\`${colleagues}\``);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(2);
  });

  it('when the answer is lost while a colleague builds at the same moment, adopts the run its images prove is its own', async () => {
    h = await startHarness();
    h.azure.acr.startRun('contosodev', { imageNames: ['other:v1'] });
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 500, afterHandler: true });
    const jobId = await queueBuild(h, `-t web:v12 ${source}`);
    await waitForCard(h, jobId, 'Succeeded');
    const ours = h.azure.acr.runs('contosodev').find((r) => r.properties.outputImages?.some((i) => i.tag === 'v12'))!;
    expect(cardText(h, jobId)).toContain(`\`${ours.name}\``);
    expect(cardText(h, jobId)).toMatch(/web:v12@sha256/);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
  });

  it('when a colleague’s identical build makes it impossible to tell, says so with the candidate runs and stops', async () => {
    h = await startHarness();
    const colleagues = h.azure.acr.startRun('contosodev', { imageNames: ['web:v13'] });
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 500, afterHandler: true });
    const jobId = await queueBuild(h, `-t web:v13 ${source}`);
    await waitForCard(h, jobId, 'Failed');
    const ours = h.azure.acr.runs('contosodev').at(-1)!.name;
    const thread = () =>
      h!.slack
        .thread(ids.devChannel, cardOf(h!, jobId)!.ts)
        .map((m) => m.text ?? '')
        .join('\n');
    await h.slack.waitFor(() => thread().includes(colleagues), 5_000);
    expect(thread()).toContain(ours);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
  });

  it('builds only into the environment’s registry (or one it lists): any other -r is refused before anything is queued', async () => {
    const yaml = defaultYaml.replace('registry: contosodev\n', 'registry: contosodev\n    buildRegistries: [contososhared]\n');
    expect(yaml).not.toBe(defaultYaml);
    h = await startHarness({
      yaml,
      setup: (azure) => azure.acr.addRegistry({ subscriptionId: ids.subscription, resourceGroup: 'rg-dev', name: 'contososhared' }),
    });
    const refused = await h.command(`build -r contosoother -t web:v1 ${source}`);
    const text = replyOf(refused).text;
    expect(text).toContain('contosoother');
    expect(text).toContain('contosodev, contososhared');
    expect(text).toContain('buildRegistries');
    expect(text).not.toMatch(/`j[0-9a-z]{12}`/);
    const audit = (await h.redis.xrange('chatops:audit', '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { action: string; outcome: string; reason?: string });
    expect(audit).toContainEqual(expect.objectContaining({ action: 'command.acr.build', outcome: 'refused', reason: expect.stringContaining('registry') }));

    const shared = await queueBuild(h, `-r contososhared -t web:v1 ${source}`);
    await waitForCard(h, shared, 'Succeeded');
    expect(h.azure.acr.runs('contososhared')).toHaveLength(1);
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1); // the refused one never reached Azure
  });

  it('treats a resent request (same trigger_id) as the same job', async () => {
    h = await startHarness();
    const first = await queueBuild(h, `-t web:v5 ${source}`, { triggerId: '1111.2222.resent' });
    const second = await queueBuild(h, `-t web:v5 ${source}`, { triggerId: '1111.2222.resent' });
    expect(second).toBe(first);
    await waitForCard(h, first, 'Succeeded');
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(1);
    expect(h.slack.messages(ids.devChannel)).toHaveLength(1);
  });

  it('/ops job shows the state, the run and a link to the thread', async () => {
    h = await startHarness();
    const jobId = await queueBuild(h, `-t web:v6 ${source}`);
    await waitForCard(h, jobId, 'Succeeded');
    const card = cardOf(h, jobId)!;
    const res = await h.command(`job ${jobId}`, { command: '/ops' });
    const text = replyOf(res).text;
    expect(text).toContain('completed');
    expect(text).toContain(`https://contoso.slack.com/archives/${ids.devChannel}/p${card.ts.replace('.', '')}`);
    expect(text).toMatch(/ACR run: `[a-z0-9]+`/);
  });
});
