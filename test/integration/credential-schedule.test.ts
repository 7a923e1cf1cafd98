/** Two instances starting together register one scheduler and run one scan per tick (real Redis, real BullMQ). */
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullJobQueue } from '../../src/queue/bullmq-job-queue.ts';
import { createJobWorker } from '../../src/queue/job-worker.ts';
import { CREDENTIAL_SCAN_SCHEDULER, scheduleCredentialScans } from '../../src/queue/schedules.ts';
import { configFromYaml } from '../fakes/index.ts';

const url = process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/14');
const logger = pino({ level: 'silent' });
const environments = `
environments:
  dev: { subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: rg-dev, location: eastus }
`;
const config = configFromYaml(`${environments}credentials: { alertChannel: C0ALERTS, keyVaultUrl: https://ops-kv.vault.azure.net, schedule: '* * * * * *' }\n`);
let admin: Redis;

beforeAll(async () => {
  admin = new Redis(url);
  await admin.flushdb();
});
afterAll(async () => {
  await admin.flushdb();
  await admin.quit();
});

describe('credential scan scheduling', () => {
  it('has one scheduler and one scan per tick with two instances', async () => {
    const instances = [0, 1].map(() => {
      const redis = new Redis(url, { maxRetriesPerRequest: null });
      return { redis, jobs: new BullJobQueue(redis), ran: [] as string[] };
    });
    // Both start at the same moment, as two replicas after a deploy would.
    await Promise.all(instances.map((i) => scheduleCredentialScans(i.jobs, config, logger)));
    const workers = instances.map((i) =>
      createJobWorker({
        connection: i.redis,
        logger,
        concurrency: 5,
        lockDurationMs: 5000,
        handlers: { 'expiry-scan': async (ctx: { id: string }) => void i.ran.push(ctx.id) },
      }),
    );
    for (const w of workers) void w.run();
    await new Promise((r) => setTimeout(r, 4500));
    await Promise.all(workers.map((w) => w.close()));

    expect(await instances[0]!.jobs.queue.getJobSchedulers()).toHaveLength(1);
    expect((await instances[0]!.jobs.queue.getJobSchedulers())[0]!.key).toBe(CREDENTIAL_SCAN_SCHEDULER);
    const ran = instances.flatMap((i) => i.ran);
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(ran.length).toBeLessThanOrEqual(6);
    expect(new Set(ran).size).toBe(ran.length); // no tick ran twice
    const ticks = ran.map((id) => Number(id.split(':').at(-1)));
    expect(new Set(ticks.map((t) => Math.floor(t / 1000))).size).toBe(ran.length); // one scan per second
    for (const i of instances) {
      await i.jobs.close();
      await i.redis.quit();
    }
  });

  it('removes the scheduler when credentials are no longer configured', async () => {
    const redis = new Redis(url, { maxRetriesPerRequest: null });
    const jobs = new BullJobQueue(redis);
    await scheduleCredentialScans(jobs, config, logger);
    expect(await jobs.queue.getJobSchedulers()).toHaveLength(1);
    await scheduleCredentialScans(jobs, configFromYaml(environments), logger);
    expect(await jobs.queue.getJobSchedulers()).toHaveLength(0);
    await jobs.close();
    await redis.quit();
  });
});
