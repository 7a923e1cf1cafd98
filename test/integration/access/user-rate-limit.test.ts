import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisUserRateLimit } from '../../../src/queue/user-rate-limit.ts';

/**
 * Host and port from TEST_REDIS_URL, database 12 always: the global setup points TEST_REDIS_URL
 * at database 9, which the e2e suites share, and this file FLUSHDBs before every test.
 */
function redisUrl(): string {
  const url = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = '/12';
  return url.toString();
}

let redis: Redis;
let clock: number;

beforeEach(async () => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  clock = 60_000 * 1_000_000 + 15_000; // 15 s into a window
});

afterEach(() => {
  redis.disconnect();
});

describe('RedisUserRateLimit', () => {
  it('allows 20 commands a minute and refuses the 21st with a wait', async () => {
    const limit = new RedisUserRateLimit(redis, { now: () => clock });
    for (let i = 0; i < 20; i++) expect(await limit.hit('U0ALICE')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    const refused = await limit.hit('U0ALICE');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(45);
  });

  it('does not count one user against another', async () => {
    const limit = new RedisUserRateLimit(redis, { now: () => clock });
    for (let i = 0; i < 21; i++) await limit.hit('U0ALICE');
    expect((await limit.hit('U0ALICE')).allowed).toBe(false);
    expect(await limit.hit('U0BOB')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('starts afresh in the next minute', async () => {
    const limit = new RedisUserRateLimit(redis, { now: () => clock });
    for (let i = 0; i < 21; i++) await limit.hit('U0ALICE');
    clock += 44_000;
    expect(await limit.hit('U0ALICE')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock += 1_000;
    expect(await limit.hit('U0ALICE')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('takes the limit from config', async () => {
    const limit = new RedisUserRateLimit(redis, { perMinute: 3, now: () => clock });
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await limit.hit('U0ALICE')).allowed);
    expect(results).toEqual([true, true, true, false]);
  });

  it('counts concurrent commands exactly (one atomic INCR each)', async () => {
    const limit = new RedisUserRateLimit(redis, { now: () => clock });
    const results = await Promise.all(Array.from({ length: 30 }, () => limit.hit('U0ALICE')));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
  });

  it('keeps one expiring key per user and window', async () => {
    const limit = new RedisUserRateLimit(redis, { now: () => clock });
    await limit.hit('U0ALICE');
    const keys = await redis.keys('chatops:ratelimit:*');
    expect(keys).toEqual([`chatops:ratelimit:U0ALICE:${Math.floor(clock / 60_000)}`]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('refuses with retryAfterSeconds > 0 on the real clock too', async () => {
    const limit = new RedisUserRateLimit(redis);
    const results = [];
    for (let i = 0; i < 21; i++) results.push(await limit.hit('U0CAROL'));
    // A window may roll over mid-loop on the real clock; then nothing is refused, which is right.
    const refused = results.filter((r) => !r.allowed);
    for (const r of refused) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(1);
  });
});
