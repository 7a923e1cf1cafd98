import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pacer } from '../../src/outbox/pacer.ts';

let redis: Redis;
let pacer: Pacer;
const pace = { intervalMs: 1000, burst: 4 };

beforeEach(async () => {
  redis = new Redis(process.env.TEST_REDIS_URL!);
  await redis.flushdb();
  pacer = new Pacer(redis);
});

afterEach(() => {
  redis.disconnect();
});

describe('the shared pacer (GCRA in Redis)', () => {
  it('lets a burst go at once, then hands out distinct slots one interval apart', async () => {
    const waits = [];
    for (let i = 0; i < 7; i++) waits.push(await pacer.reserve('post:C1', pace));
    expect(waits.slice(0, 4)).toEqual([0, 0, 0, 0]);
    // Nobody wakes together: each later reservation is one interval after the previous one.
    for (let i = 5; i < 7; i++) expect(waits[i]! - waits[i - 1]!).toBeGreaterThanOrEqual(990);
    expect(waits[4]!).toBeGreaterThan(900);
    // Another scope is not affected.
    expect(await pacer.reserve('post:C2', pace)).toBe(0);
  });

  it('gives a free-only caller a slot only within its share of the burst, and says how far behind the scope is', async () => {
    expect(await pacer.tryNow('post:C1', pace, 0.5)).toBe(0);
    expect(await pacer.tryNow('post:C1', pace, 0.5)).toBe(0);
    const behind = await pacer.tryNow('post:C1', pace, 0.5);
    expect(behind).toBeGreaterThan(0);
    // Reservations still go: the rest of the burst was kept for them.
    expect(await pacer.reserve('post:C1', pace)).toBe(0);
  });

  it('keeps everyone out of a scope for as long as the service said', async () => {
    await pacer.block('method:chat.update', pace, 5000);
    const wait = await pacer.reserve('method:chat.update', pace);
    expect(wait).toBeGreaterThanOrEqual(4900);
    expect(wait).toBeLessThanOrEqual(5100);
  });
});
