import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueUnavailableError, QueueUnconfirmedError } from '../../../src/core/errors.ts';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.ts';
import { createRedis } from '../../../src/queue/redis.ts';
import { startOwnRedis, type OwnRedis } from '../../helpers/redis-server.ts';

// A Redis of its own: these tests pause or break the server, which would stall other tests.
let own: OwnRedis | undefined;
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await own?.stop();
  own = undefined;
});

async function setUp(timeoutMs: number) {
  own = await startOwnRedis();
  const producer = createRedis(own.url, 'producer');
  producer.on('error', () => {});
  await new Promise((r) => producer.once('ready', r));
  const admin = new Redis(own.url);
  admin.on('error', () => {}); // the last test stops the server under it
  const jobs = new BullJobQueue(producer, { timeoutMs });
  closers.push(
    () => jobs.close(),
    () => producer.disconnect(),
    () => admin.disconnect(),
  );
  return { jobs, admin, producer };
}

const data = { buildJobId: 'j000000000000', requestedBy: 'U0ALICE' };

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected the submit to fail'),
    (err: unknown) => err,
  );
}

describe('BullJobQueue.submit when Redis does not say yes', () => {
  it('an add that times out may have been queued: it says so, names the job and how to check', async () => {
    const { jobs, admin } = await setUp(200);
    // Redis holds writes for a while: the add is sent, and runs after the bot stopped waiting.
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const err = await failureOf(jobs.submit('cancel-build', 'cancel-j0timeout0001', data));
    expect(err).toBeInstanceOf(QueueUnconfirmedError);
    const { message, hint } = err as QueueUnconfirmedError;
    expect(message).toContain('cancel-j0timeout0001');
    expect(message).not.toMatch(/nothing was started/);
    expect(hint).toContain('/ops job cancel-j0timeout0001');
    // And indeed: once Redis resumes, the job is there.
    for (let i = 0; i < 100 && !(await jobs.get('cancel-j0timeout0001')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await jobs.get('cancel-j0timeout0001')).toBeDefined();
  });

  it('Redis refusing the add means nothing was queued', async () => {
    const { jobs, admin } = await setUp(1000);
    await admin.config('SET', 'maxmemory', '1'); // noeviction: every write is refused with OOM
    const err = await failureOf(jobs.submit('cancel-build', 'cancel-j0refused0001', data));
    await admin.config('SET', 'maxmemory', '0');
    expect(err).toBeInstanceOf(QueueUnavailableError);
    expect(await jobs.get('cancel-j0refused0001')).toBeUndefined();
  });

  it('a connection that is down means nothing was sent, so nothing was queued', async () => {
    const { jobs, producer } = await setUp(1000);
    await own!.stop();
    while (producer.status === 'ready') await new Promise((r) => setTimeout(r, 10));
    const err = await failureOf(jobs.submit('cancel-build', 'cancel-j0down000001', data));
    expect(err).toBeInstanceOf(QueueUnavailableError);
  });
});
