import { afterEach, describe, expect, it } from 'vitest';
import { ids, replyOf, type Harness } from '../helpers/harness.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.ts';
import { aci, aciCommand, cardText, putsOf, startAciHarness, waitForCard } from './aci/setup.ts';

let h: Harness | undefined;
let redis: OwnRedis | undefined;

afterEach(async () => {
  await h?.stop();
  await redis?.stop();
  h = undefined;
  redis = undefined;
});

const admin = { userId: ids.admin, channelId: aci.stgChannel };

describe('Redis goes away and comes back (AOF on)', () => {
  it('answers commands during the outage at once and queues nothing; every job acknowledged before finishes exactly once after', async () => {
    redis = await startOwnRedis({ appendonly: true });
    h = await startAciHarness({ redisUrl: redis.url, azure: { queuedMs: 300, buildDurationMs: 6000, logLineIntervalMs: 300 } });
    h.azure.aci.timing.provisionMs = 6000;
    const base = h.botUrl.replace(/\/slack\/events$/, '');

    const builds = [];
    for (const tag of ['web:r1', 'web:r2', 'web:r3']) {
      const res = await h.command(`build -t ${tag} https://github.com/org/app.git#main`, admin);
      builds.push(/`(j[0-9a-z]{12})`/.exec(replyOf(res).text)![1]!);
    }
    const deploys = [await aciCommand(h, 'create -n api1 --image web:v1', admin), await aciCommand(h, 'create -n api2 --image web:v1', admin)];
    for (const jobId of builds) await waitForCard(h, aci.stgChannel, jobId, 'Running');
    await h.slack.waitFor(() => h!.azure.aci.puts('api1').length + h!.azure.aci.puts('api2').length === 2, 15_000);
    // Both deploys saved their PUT's resume token: from 'putting' a retry sends the same PUT again
    // by design (idempotent by name), which is not what this test is about.
    await h.slack.waitFor(async () => {
      const phases = await Promise.all(deploys.map((j) => h!.redis.hget(`chatops:jobs:${j}`, 'data')));
      return phases.every((raw) => raw !== null && (JSON.parse(raw) as { progress?: { phase?: string } }).progress?.phase === 'polling');
    }, 30_000);

    // A planned restart or a failover: Redis stops (flushing its AOF) while all five are in flight.
    await redis.shutdown();
    const during = await h.command('build -t web:lost https://github.com/org/app.git#main', admin);
    expect(during.status).toBe(200);
    expect(during.elapsedMs).toBeLessThan(3000);
    expect(replyOf(during).response_type).toBe('ephemeral');
    expect(replyOf(during).text).toMatch(/queue is unavailable right now, so nothing was started/);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { notReady: string[] }).notReady).toContain('redis');
    await new Promise((r) => setTimeout(r, 2000));
    await redis.restart();

    // Workers and the outbox reconnect by themselves; every acknowledged job reaches its final card.
    for (const jobId of builds) await waitForCard(h, aci.stgChannel, jobId, 'Succeeded', 60_000);
    for (const jobId of deploys) await waitForCard(h, aci.stgChannel, jobId, 'Succeeded', 60_000);
    // None ran twice: one ACR run per build, one container group PUT per deploy.
    expect(h.azure.count('POST', /\/scheduleRun$/)).toBe(3);
    expect(putsOf(h, 'api1')).toHaveLength(1);
    expect(putsOf(h, 'api2')).toHaveLength(1);
    // The command refused during the outage left nothing behind: no job, no card.
    const jobKeys = (await h.redis.keys('chatops:jobs:j*')).filter((k) => /^chatops:jobs:j[0-9a-z]{12}$/.test(k));
    expect(jobKeys.sort()).toEqual([...builds, ...deploys].map((j) => `chatops:jobs:${j}`).sort());
    expect(h.slack.messages(aci.stgChannel).filter((m) => JSON.stringify(m.blocks ?? []).includes('web:lost'))).toEqual([]);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    for (const jobId of builds) expect(cardText(h, aci.stgChannel, jobId)).toContain('Succeeded');
  });
});
