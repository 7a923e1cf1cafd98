/** `ctx.keepLock()` against real BullMQ: it renews the job's lock while held and fails once another worker has it. */
import { Redis } from 'ioredis';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobContext } from '../../src/core/job-context.ts';
import { JobLockLostError } from '../../src/core/job-context.ts';
import { BullJobQueue } from '../../src/queue/bullmq-job-queue.ts';
import { createJobWorker } from '../../src/queue/job-worker.ts';
import { QueueName } from '../../src/queue/names.ts';
import { deployJobData } from '../fakes/index.ts';

describe('the job lock', () => {
  it('is renewed by keepLock while this worker holds the job, and reported lost once another one does', async () => {
    // Database 13 of the test Redis, emptied before and after.
    const url = process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/13');
    const admin = new Redis(url);
    await admin.flushdb();
    const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
    // As the roles do: the queue refuses a submit on a connection that is not ready yet.
    await redis.connect();
    // An install prefix other than the default: the lock is renewed where this install keeps it.
    const prefix = '{lock-test}';
    const jobs = new BullJobQueue(redis, { prefix });
    const lockKey = `${prefix}:${QueueName.Jobs}:jlock000000001:lock`;
    let release!: () => void;
    const taken = new Promise<void>((r) => (release = r));
    const outcomes: unknown[] = [];
    const handler = async (ctx: JobContext<unknown>) => {
      await ctx.keepLock!();
      outcomes.push(await admin.pttl(lockKey));
      await taken;
      outcomes.push(
        await ctx.keepLock!().then(
          () => 'kept',
          (err: unknown) => err,
        ),
      );
    };
    const worker = createJobWorker({
      connection: redis,
      logger: pino({ level: 'silent' }),
      concurrency: 1,
      lockDurationMs: 60_000,
      prefix,
      handlers: { deploy: handler },
    });
    void worker.run();
    await jobs.submit('deploy', 'jlock000000001', deployJobData());
    await waitFor(() => outcomes.length === 1);
    expect(outcomes[0]).toBeGreaterThan(50_000);
    // What a second worker does after this one stalled past its lock: the lock is now its own.
    await admin.set(lockKey, 'second-worker-token', 'PX', 60_000);
    release();
    await waitFor(() => outcomes.length === 2);
    expect(outcomes[1]).toBeInstanceOf(JobLockLostError);
    expect(await admin.get(lockKey)).toBe('second-worker-token');
    await worker.close(true);
    await jobs.close();
    await redis.quit();
    await admin.flushdb();
    await admin.quit();
  });
});

async function waitFor(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
