import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { md } from '../../src/core/mrkdwn.ts';
import type { StoredAnswer } from '../../src/core/query-answer.ts';
import { maxStoredTextChars, RedisAnswerStore } from '../../src/queue/answer-store.ts';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
});
beforeEach(async () => {
  await redis.flushdb();
});
afterAll(() => redis.disconnect());

const stored = (content: string, keep?: 'head' | 'tail'): StoredAnswer => ({
  answer: {
    title: 'Log of run ca1',
    environment: 'dev',
    summary: md`Run ca1 is Succeeded.`,
    text: { filename: 'run-ca1.log', title: 'Log of run ca1', content, ...(keep && { keep }) },
  },
  asker: { userId: 'U0ALICE', teamId: 'T0', channelId: 'C0DEV', action: 'acr.logs' },
  at: '2026-11-28T03:00:00.000Z',
});

describe('RedisAnswerStore', () => {
  it('keeps an answer for a day and gives it back as it was', async () => {
    const store = new RedisAnswerStore(redis);
    await store.put('j0123456789ab', stored('line 1\nline 2'));
    expect(await store.get('j0123456789ab')).toEqual(stored('line 1\nline 2'));
    const ttl = await redis.ttl('chatops:answer:j0123456789ab:answer');
    expect(ttl).toBeGreaterThan(23 * 3600);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
    expect(await store.get('j0000000000zz')).toBeUndefined();
  });

  it('lets one person share an answer once, until a failed share is released', async () => {
    const store = new RedisAnswerStore(redis);
    expect(await store.claimShare('j1', 'U0ALICE')).toEqual({ first: true, by: 'U0ALICE' });
    expect(await store.claimShare('j1', 'U0BOB')).toEqual({ first: false, by: 'U0ALICE' });
    expect(await store.claimShare('j1', 'U0ALICE')).toEqual({ first: false, by: 'U0ALICE' });
    await store.releaseShare('j1');
    expect(await store.claimShare('j1', 'U0BOB')).toEqual({ first: true, by: 'U0BOB' });
  });

  it('keeps a megabyte of a huge log, from the end that matters', async () => {
    const store = new RedisAnswerStore(redis);
    const log = `${'a'.repeat(maxStoredTextChars)}THE END`;
    await store.put('j2', stored(log, 'tail'));
    const tail = (await store.get('j2'))!.answer.text!;
    expect(tail.content).toHaveLength(maxStoredTextChars);
    expect(tail.content.endsWith('THE END')).toBe(true);
    expect(tail.title).toContain('cut to the last');
    await store.put('j3', stored(`START${log}`));
    expect((await store.get('j3'))!.answer.text!.content.startsWith('START')).toBe(true);
  });
});
