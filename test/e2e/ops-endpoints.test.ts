import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { homeWhere } from '../helpers/home.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';

let h: Harness | undefined;
let ownRedis: OwnRedis | undefined;

afterEach(async () => {
  await h?.stop();
  await ownRedis?.stop();
  h = undefined;
  ownRedis = undefined;
});

function base(harness: Harness): string {
  return harness.botUrl.replace(/\/slack\/events$/, '');
}

async function readyz(harness: Harness): Promise<{
  status: number;
  body: { status: string; notReady: string[]; warnings: string[]; checks: { name: string; ok: boolean; detail?: string; advisory?: boolean }[] };
}> {
  const res = await fetch(`${base(harness)}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function build(harness: Harness, text: string): Promise<string> {
  const res = await harness.command(`build ${text}`);
  const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)?.[1];
  expect(jobId).toBeDefined();
  return jobId!;
}

describe('GET /metrics', () => {
  it('exposes the process metrics and moves the job, Slack, Azure and ack figures when a build runs', async () => {
    h = await startHarness();
    const before = await scrape(base(h));
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.text).toContain('process_cpu_user_seconds_total');
    expect(before.text).toContain('nodejs_eventloop_lag_seconds');
    expect(before.text).toContain('# TYPE chatops_jobs_started_total counter');
    expect(metricValue(before.text, 'chatops_jobs_started_total', { kind: 'build' })).toBeUndefined();

    const jobId = await build(h, '-t web:v1 https://github.com/org/app.git#main');
    await h.slack.waitFor(
      () => JSON.stringify(h!.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId))?.blocks ?? []).includes('Succeeded'),
      30_000,
    );
    // The outbox's last send and the worker's 'completed' event land a moment after the card.
    await h.slack.waitFor(
      async () => metricValue((await scrape(base(h!))).text, 'chatops_jobs_finished_total', { kind: 'build', outcome: 'completed' }) === 1,
      5000,
    );

    const after = (await scrape(base(h))).text;
    expect(metricValue(after, 'chatops_jobs_started_total', { kind: 'build' })).toBe(1);
    expect(metricValue(after, 'chatops_job_duration_seconds_count', { kind: 'build' })).toBe(1);
    expect(metricValue(after, 'chatops_ack_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_slack_requests_total', { method: 'chat.postMessage', error: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_slack_requests_total', { method: 'chat.update', error: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_azure_requests_total', { service: 'arm-containerregistry', status_class: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(metricValue(after, 'chatops_azure_requests_total', { service: 'entra-id', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_azure_requests_total', { service: 'storage', status_class: '2xx' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_outbox_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'chatops_queue_jobs', { queue: 'jobs', state: 'waiting' })).toBe(0);
    expect(metricValue(after, 'chatops_queue_oldest_waiting_seconds', { queue: 'jobs' })).toBe(0);
    expect(metricValue(after, 'chatops_approvals_pending')).toBe(0);
    // The last thread replies leave the outbox a moment after the card.
    await h.slack.waitFor(async () => metricValue((await scrape(base(h!))).text, 'chatops_outbox_backlog') === 0, 5000);
    // Small label sets: no job id, user or channel ever becomes a label value.
    expect(after).not.toContain(jobId);
    expect(after).not.toContain(ids.alice);
  });

  it('counts Azure 429s with their Retry-After, and Slack errors by code', async () => {
    h = await startHarness();
    h.azure.failNext({ method: 'POST', path: /\/scheduleRun$/, status: 429, retryAfterSeconds: 2 });
    h.slack.errorNext({ method: 'chat.postMessage', error: 'channel_not_found' });
    await build(h, '-t web:v2 https://github.com/org/app.git#main');
    await h.slack.waitFor(
      async () => metricValue((await scrape(base(h!))).text, 'chatops_azure_throttled_total', { service: 'arm-containerregistry' }) === 1,
      15_000,
    );
    const text = (await scrape(base(h))).text;
    expect(metricValue(text, 'chatops_azure_requests_total', { service: 'arm-containerregistry', status_class: '4xx' })).toBe(1);
    expect(metricValue(text, 'chatops_azure_retry_after_seconds_sum', { service: 'arm-containerregistry' })).toBe(2);
    await h.slack.waitFor(
      async () =>
        (metricValue((await scrape(base(h!))).text, 'chatops_slack_requests_total', { method: 'chat.postMessage', error: 'channel_not_found' }) ?? 0) === 1,
      10_000,
    );
    // Slack's 429 counts as `ratelimited`, whatever method hit it.
    h.slack.rateLimit({ method: 'chat.postMessage', forMs: 1000, retryAfterSeconds: 1 });
    await build(h, '-t web:v3 https://github.com/org/app.git#main');
    await h.slack.waitFor(
      async () => (metricValue((await scrape(base(h!))).text, 'chatops_slack_requests_total', { method: 'chat.postMessage', error: 'ratelimited' }) ?? 0) >= 1,
      10_000,
    );
  });
});

describe('App Home publishes in /metrics', () => {
  it('count as views.publish calls, never as outbox deliveries: the outbox figures are about cards and replies', async () => {
    h = await startHarness();
    expect((await h.openHome(ids.alice)).status).toBe(200);
    await homeWhere(h, ids.alice, (b) => b.includes('You have no jobs from the last week.'));
    await h.slack.waitFor(
      async () => (metricValue((await scrape(base(h!))).text, 'chatops_slack_requests_total', { method: 'views.publish', error: 'ok' }) ?? 0) >= 1,
      5000,
    );
    const text = (await scrape(base(h))).text;
    expect(metricValue(text, 'chatops_outbox_delivery_lag_seconds_count') ?? 0).toBe(0);
    expect(metricValue(text, 'chatops_queue_jobs', { queue: 'slack-home', state: 'waiting' })).toBe(0);
  });

  it('wait in a queue of their own while no worker runs, outside the outbox backlog, and go out when one starts', async () => {
    h = await startHarness({ worker: 'child' });
    await h.killWorker();
    expect((await h.openHome(ids.alice)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const text = (await scrape(base(h))).text;
    expect(metricValue(text, 'chatops_outbox_backlog')).toBe(0);
    expect(metricValue(text, 'chatops_queue_jobs', { queue: 'slack-outbox', state: 'waiting' })).toBe(0);
    expect(metricValue(text, 'chatops_queue_jobs', { queue: 'slack-home', state: 'waiting' })).toBe(1);
    await h.startWorker();
    await homeWhere(h, ids.alice, (b) => b.includes('You have no jobs from the last week.'));
  });
});

describe('GET /readyz and /healthz', () => {
  it('is ready with every check named, and says which when Redis goes away, while /healthz stays cheap and up', async () => {
    ownRedis = await startOwnRedis();
    h = await startHarness({ redisUrl: ownRedis.url });
    const ok = await readyz(h);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('ready');
    expect(ok.body.checks.map((c) => c.name).sort()).toEqual(['azure', 'config', 'redis', 'slack', 'slack-channels', 'slack-delivery']);
    expect(ok.body.warnings).toEqual([]);

    await ownRedis.stop();
    const down = await readyz(h);
    expect(down.status).toBe(503);
    // Whether Slack delivery is halted is kept in Redis too: not known, and said so.
    expect(down.body.notReady).toEqual(['redis', 'slack-delivery']);
    expect(down.body.checks.find((c) => c.name === 'redis')?.detail).toMatch(/PING/);
    expect(down.body.checks.find((c) => c.name === 'slack-delivery')?.detail).toMatch(/Redis, which is not connected/);
    const health = await fetch(`${base(h)}/healthz`);
    expect(health.status).toBe(200);
  });

  it('lists a configured channel the bot cannot post in, and stays ready: one archived channel must not stop every command', async () => {
    h = await startHarness({ setup: (_azure, slack) => slack.addChannel(ids.prodChannel, { isArchived: true }) });
    const res = await readyz(h);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', notReady: [], warnings: ['slack-channels'] });
    const channels = res.body.checks.find((c) => c.name === 'slack-channels');
    expect(channels).toMatchObject({ ok: false, advisory: true });
    expect(channels?.detail).toContain(`${ids.prodChannel} (environment prod): the channel is archived`);
    // And the bot takes commands in the other channels.
    expect((await h.command('whoami', { command: '/ops' })).status).toBe(200);
  });

  it('answers 503 naming the Slack token when auth.test says it is revoked', async () => {
    h = await startHarness();
    h.slack.errorNext({ method: 'auth.test', error: 'token_revoked', times: 10 });
    const res = await readyz(h);
    expect(res.status).toBe(503);
    expect(res.body.notReady).toEqual(['slack']);
    expect(res.body.checks.find((c) => c.name === 'slack')?.detail).toContain('token_revoked');
  });
});

describe('queue gauges when no worker runs', () => {
  it('are reported by the bot: the job waiting for a worker and how long it has waited', async () => {
    h = await startHarness({ worker: 'child' });
    await h.killWorker();
    await build(h, '-t web:v4 https://github.com/org/app.git#main');
    await new Promise((r) => setTimeout(r, 1500));
    const text = (await scrape(base(h))).text;
    expect(metricValue(text, 'chatops_queue_jobs', { queue: 'jobs', state: 'waiting' })).toBe(1);
    expect(metricValue(text, 'chatops_queue_jobs', { queue: 'jobs', state: 'active' })).toBe(0);
    expect(metricValue(text, 'chatops_queue_oldest_waiting_seconds', { queue: 'jobs' })).toBeGreaterThanOrEqual(1.4);
    expect(metricValue(text, 'chatops_queue_oldest_waiting_seconds', { queue: 'jobs' })).toBeLessThan(10);
  });
});
