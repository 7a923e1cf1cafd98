import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, startHarness, type Harness } from '../helpers/harness.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { freePort } from '../helpers/redis-server.ts';

let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function base(harness: Harness): string {
  return harness.botUrl.replace(/\/slack\/events$/, '');
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function buildSucceeds(harness: Harness, tag: string): Promise<void> {
  const res = await harness.command(`build -t ${tag} https://github.com/org/app.git#main`);
  const jobId = /`(j[0-9a-z]{12})`/.exec(replyOf(res).text)?.[1];
  expect(jobId, JSON.stringify(res.json)).toBeDefined();
  await harness.slack.waitFor(
    () =>
      JSON.stringify(harness.slack.messages(ids.devChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId!))?.blocks ?? []).includes('Succeeded'),
    30_000,
  );
}

describe('npm start: the supervisor with the bot and the worker as child processes', () => {
  it('serves one /healthz, /readyz and /metrics for both children, restarts a worker that dies, and stops them all on SIGTERM', async () => {
    h = await startHarness({ worker: 'supervised' });
    const sup = h.supervisor!;
    const botPid = sup.pidOf('bot');
    const workerPid = sup.pidOf('worker');
    expect(new Set([botPid, workerPid, sup.process.pid]).size).toBe(3);

    expect((await fetch(`${base(h)}/healthz`)).status).toBe(200);
    const ready = (await (await fetch(`${base(h)}/readyz`)).json()) as {
      status: string;
      checks: { name: string; role: string; ok: boolean; advisory?: boolean }[];
    };
    expect(ready.status).toBe('ready');
    expect(
      ready.checks
        .filter((c) => c.role === 'bot')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['config', 'redis', 'slack', 'slack-channels']);
    // Advisory survives the trip through the supervisor, so a child's channel warning never turns the merged answer into a 503.
    expect(ready.checks.find((c) => c.name === 'slack-channels')).toMatchObject({ role: 'bot', advisory: true });
    expect(
      ready.checks
        .filter((c) => c.role === 'worker')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['azure', 'config', 'redis', 'slack', 'slack-delivery']);

    await buildSucceeds(h, 'web:v1');
    await h.slack.waitFor(
      async () => metricValue((await scrape(base(h!))).text, 'chatops_jobs_finished_total', { kind: 'build', outcome: 'completed', role: 'worker' }) === 1,
      5000,
    );
    const merged = (await scrape(base(h))).text;
    // One scrape shows the bot's acks, the worker's jobs and the supervisor's own figures.
    expect(metricValue(merged, 'chatops_ack_duration_seconds_count', { role: 'bot' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(merged, 'process_resident_memory_bytes', { role: 'worker' })).toBeGreaterThan(0);
    expect(metricValue(merged, 'process_resident_memory_bytes', { role: 'bot' })).toBeGreaterThan(0);
    expect(metricValue(merged, 'chatops_child_up', { role: 'worker' })).toBe(1);
    expect(metricValue(merged, 'chatops_child_restarts_total', { role: 'worker' })).toBe(0);

    process.kill(workerPid!, 'SIGKILL');
    const down = await fetch(`${base(h)}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { detail: string }).detail).toMatch(/^worker: /);
    await h.slack.waitFor(() => sup.pidOf('worker') !== workerPid && alive(sup.pidOf('worker')), 15_000);
    const afterRestart = (await scrape(base(h))).text;
    expect(metricValue(afterRestart, 'chatops_child_restarts_total', { role: 'worker' })).toBe(1);
    expect(metricValue(afterRestart, 'chatops_child_restarts_total', { role: 'bot' })).toBe(0);
    expect(h.logs.some((l) => l.includes('supervisor: worker died; restarting it'))).toBe(true);
    expect(sup.pidOf('bot')).toBe(botPid); // the bot never noticed
    await buildSucceeds(h, 'web:v2');

    sup.process.kill('SIGTERM');
    expect(await sup.exited).toBe(0);
    expect(alive(botPid)).toBe(false);
    expect(alive(sup.pidOf('worker'))).toBe(false);
  });

  it('runs the queue dashboard in the worker child from CHATOPS_ADMIN_*, never in the bot child', async () => {
    const port = await freePort();
    const admin = { user: 'ops', password: 'dashboard-password-for-tests' };
    h = await startHarness({
      worker: 'supervised',
      env: { CHATOPS_ADMIN_PORT: String(port), CHATOPS_ADMIN_USER: admin.user, CHATOPS_ADMIN_PASSWORD: admin.password },
    });
    const url = `http://127.0.0.1:${port}/api/queues`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual(['jobs', 'slack-home', 'slack-outbox']);
    const listening = h.logs.filter((l) => l.includes('queue dashboard listening')).map((l) => JSON.parse(l) as { role: string; pid: number });
    expect(listening).toEqual([expect.objectContaining({ role: 'worker', pid: h.supervisor!.pidOf('worker') })]);
  });

  it('stops with status 2 instead of restarting when a child finds the configuration unusable (a revoked Slack token)', async () => {
    const started = startHarness({ worker: 'supervised', env: { SLACK_BOT_TOKEN: 'xoxb-revoked-0000' } });
    await expect(started).rejects.toThrow(/exited early with 2/);
  });
});
