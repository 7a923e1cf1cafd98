import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_STREAM_KEY, RedisAuditLog } from '../../../src/audit/index.ts';
import { AuditWriteError, type AuditEvent, type AuditEventInput, type AuditFilter } from '../../../src/core/audit.ts';
import { captureLogger, connectAuditRedis } from './audit-test-kit.ts';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

let redis: Redis;

beforeEach(async () => {
  redis = connectAuditRedis();
  await redis.flushdb();
});

afterEach(() => {
  redis.disconnect();
});

function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString();
}

/** Reads every page of a query and returns the pages. */
async function allPages(audit: RedisAuditLog, filter: AuditFilter, limit: number): Promise<AuditEvent[][]> {
  const pages: AuditEvent[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.query(filter, { limit, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.events);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== undefined);
  return pages;
}

describe('RedisAuditLog', () => {
  it('stores an event in the stream, returns it from a query and logs it as one JSON line', async () => {
    const log = captureLogger();
    const audit = new RedisAuditLog({ redis, logger: log.logger });
    const event: AuditEventInput = {
      at: '2024-06-10T12:00:00.000Z',
      actor: 'U0ALICE1',
      action: 'command.acr.build',
      outcome: 'accepted',
      environment: 'prod',
      target: 'contosoreg/web:v1',
      jobId: 'j0abc12def345',
      reason: 'queued',
      details: { attempt: 1, noCache: false, platform: 'linux/amd64' },
    };
    // 2024 is far outside the default 90 days; a long retention keeps it.
    const longRetention = new RedisAuditLog({ redis, logger: log.logger, retentionDays: 10_000 });
    await longRetention.record(event);

    const entries = await redis.xrange(AUDIT_STREAM_KEY, '-', '+');
    expect(entries).toHaveLength(1);
    const [id, fields] = entries[0]!;
    expect(id).toMatch(new RegExp(`^${Date.parse('2024-06-10T12:00:00.000Z')}-\\d+$`));
    expect(fields[0]).toBe('e');
    expect(JSON.parse(fields[1]!)).toEqual(event);

    expect(await longRetention.query({}, { limit: 10 })).toEqual({ events: [event] });
    // The default retention hides it.
    expect(await audit.query({}, { limit: 10 })).toEqual({ events: [] });

    const [line] = log.lines();
    expect(log.lines()).toHaveLength(1);
    expect(line).toMatchObject({ level: 30, msg: 'audit', audit: event, auditId: id });
  });

  it('stamps an event without a time with the clock', async () => {
    const now = new Date(Date.now() - 5 * MIN);
    const audit = new RedisAuditLog({ redis, logger: captureLogger().logger, now: () => now });
    await audit.record({ actor: 'system', action: 'rotation.step', outcome: 'info' });
    const { events } = await audit.query({}, { limit: 1 });
    expect(events).toEqual([{ at: now.toISOString(), actor: 'system', action: 'rotation.step', outcome: 'info' }]);
  });

  it('returns events newest first', async () => {
    const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
    for (let i = 5; i >= 1; i--) await audit.record({ at: ago(i * MIN), actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted', target: `t${i}` });
    const { events, nextCursor } = await audit.query({}, { limit: 10 });
    expect(events.map((e) => e.target)).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(nextCursor).toBeUndefined();
  });

  describe('filters', () => {
    const planted: [string, AuditEventInput][] = [
      ['a', { at: ago(3 * H), actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted', environment: 'dev' }],
      ['b', { at: ago(2 * H), actor: 'U0BOB123', action: 'command.aci.deploy', outcome: 'refused', environment: 'prod' }],
      ['c', { at: ago(1 * H), actor: 'U0ALICE1', action: 'approval.granted', outcome: 'succeeded', environment: 'prod' }],
      ['d', { at: ago(10 * MIN), actor: 'system', action: 'rotation.step', outcome: 'info', environment: 'prod' }],
      ['e', { at: ago(5 * MIN), actor: 'U0BOB123', action: 'button.job.cancel', outcome: 'accepted' }],
      ['f', { at: ago(1 * MIN), actor: 'U0ALICE1', action: 'approval.denied', outcome: 'refused', environment: 'dev' }],
    ];

    it.each<[string, () => AuditFilter, string[]]>([
      ['no filter', () => ({}), ['f', 'e', 'd', 'c', 'b', 'a']],
      ['actor', () => ({ actor: 'U0ALICE1' }), ['f', 'c', 'a']],
      ['actor system', () => ({ actor: 'system' }), ['d']],
      ['an unknown actor', () => ({ actor: 'U0NOBODY' }), []],
      ['environment', () => ({ environment: 'prod' }), ['d', 'c', 'b']],
      ['action: one segment at the end', () => ({ action: 'deploy' }), ['b']],
      ['action: one segment in the middle', () => ({ action: 'job' }), ['e']],
      ['action: a namespace', () => ({ action: 'approval' }), ['f', 'c']],
      ['action: two segments', () => ({ action: 'acr.build' }), ['a']],
      ['action: a whole action', () => ({ action: 'approval.granted' }), ['c']],
      ['action: case is ignored', () => ({ action: 'Command' }), ['b', 'a']],
      ['action: a partial word matches nothing', () => ({ action: 'dep' }), []],
      ['action: segments out of order match nothing', () => ({ action: 'build.acr' }), []],
      ['since', () => ({ since: new Date(Date.now() - 90 * MIN) }), ['f', 'e', 'd', 'c']],
      ['since in the future', () => ({ since: new Date(Date.now() + H) }), []],
      ['everything at once', () => ({ actor: 'U0ALICE1', environment: 'prod', action: 'approval', since: new Date(Date.now() - 4 * H) }), ['c']],
    ])('by %s', async (_name, filter, expected) => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      for (const [label, event] of planted) await audit.record({ ...event, target: label });
      const { events } = await audit.query(filter(), { limit: 50 });
      expect(events.map((e) => e.target)).toEqual(expected);
    });
  });

  describe('paging', () => {
    it.each<[string, AuditFilter, number]>([
      ['everything, 5 per page', {}, 5],
      ['one actor, 4 per page', { actor: 'U0ALICE1' }, 4],
      ['one environment, 1 per page', { environment: 'prod' }, 1],
      ['an action, a page larger than the matches', { action: 'deploy' }, 50],
    ])('covers %s exactly once, newest first, with no empty last page', async (_name, filter, limit) => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      const actors = ['U0ALICE1', 'U0BOB123', 'system'];
      const planted: AuditEventInput[] = [];
      for (let i = 0; i < 23; i++) {
        const event: AuditEventInput = {
          at: ago((23 - i) * MIN),
          actor: actors[i % 3]!,
          action: i % 4 === 0 ? 'command.aci.deploy' : 'command.acr.build',
          outcome: 'accepted',
          environment: i % 2 === 0 ? 'prod' : 'dev',
          target: `t${i}`,
        };
        planted.push(event);
        await audit.record(event);
      }
      const expected = planted
        .filter((e) => (filter.actor === undefined || e.actor === filter.actor) && (filter.environment === undefined || e.environment === filter.environment))
        .filter((e) => filter.action === undefined || e.action.split('.').includes(filter.action))
        .map((e) => e.target)
        .reverse();
      expect(expected.length).toBeGreaterThan(0);

      const pages = await allPages(audit, filter, limit);
      expect(pages.flat().map((e) => e.target)).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(expected.length / limit));
      for (const page of pages) expect(page.length).toBeGreaterThan(0);
    });

    it('gives no cursor when the matches fill the last page exactly', async () => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      for (let i = 0; i < 6; i++) await audit.record({ at: ago((10 - i) * MIN), actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted' });
      const first = await audit.query({}, { limit: 3 });
      expect(first.events).toHaveLength(3);
      expect(first.nextCursor).toMatch(/^\d+-\d+$/);
      const second = await audit.query({}, { limit: 3, cursor: first.nextCursor! });
      expect(second.events).toHaveLength(3);
      expect(second.nextCursor).toBeUndefined();
    });

    it('reads at most maxScan entries per query, and the cursor resumes the scan', async () => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger, maxScan: 10 });
      // Only the oldest of 25 events matches: it lies beyond two scans' reach.
      for (let i = 0; i < 25; i++)
        await audit.record({
          at: ago((30 - i) * MIN),
          actor: i === 0 ? 'U0ALICE1' : 'U0BOB123',
          action: 'command.acr.build',
          outcome: 'accepted',
          target: `t${i}`,
        });
      const first = await audit.query({ actor: 'U0ALICE1' }, { limit: 5 });
      expect(first.events).toEqual([]);
      expect(first.nextCursor).toBeDefined();
      const pages = await allPages(audit, { actor: 'U0ALICE1' }, 5);
      expect(pages).toHaveLength(3);
      expect(pages.flat().map((e) => e.target)).toEqual(['t0']);
      // Unfiltered, the cap shortens pages but still covers everything once.
      const unfiltered = await allPages(audit, {}, 7);
      expect(unfiltered.flat().map((e) => e.target)).toEqual(Array.from({ length: 25 }, (_, i) => `t${24 - i}`));
    });

    it.each<[string, { limit: number; cursor?: string }]>([
      ['a zero limit', { limit: 0 }],
      ['a fractional limit', { limit: 2.5 }],
      ['a huge limit', { limit: 100_000 }],
      ['a malformed cursor', { limit: 5, cursor: '(123-0' }],
      ['a cursor with text', { limit: 5, cursor: '+' }],
    ])('refuses %s', async (_name, page) => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      await expect(audit.query({}, page)).rejects.toBeInstanceOf(RangeError);
    });

    it('returns nothing below the lowest possible cursor', async () => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      await audit.record({ actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted' });
      expect(await audit.query({}, { limit: 5, cursor: '0-0' })).toEqual({ events: [] });
    });
  });

  describe('retention', () => {
    async function plant(count: number, ageMs: number): Promise<string> {
      // Planted by a log whose clock stands at that time, so its own trimming keeps them.
      const then = new Date(Date.now() - ageMs);
      const past = new RedisAuditLog({ redis, logger: captureLogger().logger, now: () => then });
      for (let i = 0; i < count; i++)
        await past.record({
          at: new Date(then.getTime() - (count - i)).toISOString(),
          actor: 'U0OLD111',
          action: 'command.acr.build',
          outcome: 'accepted',
          target: `old${i}`,
        });
      const [first] = await redis.xrange(AUDIT_STREAM_KEY, '-', '+', 'COUNT', 1);
      return first![0];
    }

    it('trims events older than the retention when a new one is added, and never returns stragglers', async () => {
      const firstOld = await plant(300, 100 * D);
      expect(await redis.xlen(AUDIT_STREAM_KEY)).toBe(300);
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger, retentionDays: 90 });
      await audit.record({ actor: 'U0NEW111', action: 'command.acr.build', outcome: 'accepted', target: 'new' });

      // MINID ~ drops whole stream nodes; the node the new entry joined may keep a few old ones.
      const left = await redis.xlen(AUDIT_STREAM_KEY);
      expect(left).toBeLessThan(150);
      const [oldest] = await redis.xrange(AUDIT_STREAM_KEY, '-', '+', 'COUNT', 1);
      expect(oldest![0] > firstOld).toBe(true);
      expect((await audit.query({}, { limit: 500 })).events.map((e) => e.target)).toEqual(['new']);
    });

    it('keeps events inside the retention', async () => {
      await plant(300, 89 * D);
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger, retentionDays: 90 });
      await audit.record({ actor: 'U0NEW111', action: 'command.acr.build', outcome: 'accepted', target: 'new' });
      expect(await redis.xlen(AUDIT_STREAM_KEY)).toBe(301);
      const pages = await allPages(audit, {}, 500);
      expect(pages.flat()).toHaveLength(301);
    });

    it('honours a shorter retention setting', async () => {
      await plant(300, 2 * D);
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger, retentionDays: 1 });
      await audit.record({ actor: 'U0NEW111', action: 'command.acr.build', outcome: 'accepted', target: 'new' });
      expect(await redis.xlen(AUDIT_STREAM_KEY)).toBeLessThan(150);
      expect((await audit.query({}, { limit: 500 })).events.map((e) => e.target)).toEqual(['new']);
    });

    it('refuses a retention that is not positive', () => {
      expect(() => new RedisAuditLog({ redis, logger: captureLogger().logger, retentionDays: 0 })).toThrow(RangeError);
    });
  });

  describe('times that do not fit the stream order', () => {
    it('stores an event older than the newest entry under the current time, keeping its own time', async () => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      await audit.record({ at: ago(MIN), actor: 'U0ALICE1', action: 'rotation.step', outcome: 'info', target: 'later' });
      const earlier = ago(30 * MIN);
      await audit.record({ at: earlier, actor: 'U0ALICE1', action: 'rotation.step', outcome: 'info', target: 'earlier' });
      const { events } = await audit.query({}, { limit: 5 });
      expect(events.map((e) => [e.target, e.at])).toEqual([
        ['earlier', earlier],
        ['later', events[1]!.at],
      ]);
    });

    it('does not let a future time become the stream id', async () => {
      const audit = new RedisAuditLog({ redis, logger: captureLogger().logger });
      const future = new Date(Date.now() + 10 * D);
      await audit.record({ at: future.toISOString(), actor: 'U0ALICE1', action: 'rotation.step', outcome: 'info' });
      const [[id]] = (await redis.xrange(AUDIT_STREAM_KEY, '-', '+')) as [[string, string[]]];
      expect(Number(id.split('-')[0])).toBeLessThan(Date.now() + MIN);
    });
  });

  it('skips entries it cannot read, with a warning', async () => {
    const log = captureLogger();
    const audit = new RedisAuditLog({ redis, logger: log.logger });
    await audit.record({ actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted', target: 'good' });
    await redis.xadd(AUDIT_STREAM_KEY, '*', 'e', '{not json');
    await redis.xadd(AUDIT_STREAM_KEY, '*', 'other', 'field');
    const { events } = await audit.query({}, { limit: 5 });
    expect(events.map((e) => e.target)).toEqual(['good']);
    expect(log.lines().filter((l) => l.msg === 'unreadable audit entry skipped')).toHaveLength(2);
  });

  it('throws AuditWriteError, after logging the attempt, when Redis is unreachable', async () => {
    const { Redis } = await import('ioredis');
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const log = captureLogger();
    const audit = new RedisAuditLog({ redis: down, logger: log.logger });
    try {
      const failure = audit.record({ actor: 'U0ALICE1', action: 'approval.granted', outcome: 'succeeded', reason: 'token xoxb-1-SECRET' });
      await expect(failure).rejects.toBeInstanceOf(AuditWriteError);
      await expect(failure).rejects.toMatchObject({ code: 'chatops_audit_unavailable', action: 'approval.granted' });
    } finally {
      down.disconnect();
    }
    const lines = log.lines();
    expect(lines.map((l) => l.msg)).toEqual(['audit write failed']);
    expect(lines[0]).toMatchObject({ level: 50, audit: { action: 'approval.granted', reason: 'token xox?-[redacted]' } });
  });
});
