/** RedisApprovals against the real Redis: decisions are atomic and each request is decided once. */
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisApprovals } from '../../../src/queue/approvals.ts';
import { RedisGroupLocks } from '../../../src/queue/group-locks.ts';
import { RedisDeployHistory } from '../../../src/queue/deploy-history.ts';

const redis = new Redis(process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/13'));
const approvals = new RedisApprovals(redis);
const t0 = new Date('2026-11-28T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function open(jobId: string, overrides: Partial<Parameters<RedisApprovals['open']>[0]> = {}) {
  return approvals.open({
    jobId,
    requesterId: 'U0REQ',
    environment: 'prod',
    required: 2,
    mode: 'approval',
    expiresAt: at(60_000).toISOString(),
    planHash: 'abc',
    ...overrides,
  });
}

beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

describe('RedisApprovals', () => {
  it('counts each approver once, refuses the requester, and approves at N of M', async () => {
    await open('j1');
    expect((await approvals.approve('j1', 'U0REQ', at(1))).outcome).toBe('forbidden');
    expect((await approvals.approve('j1', 'U0A', at(2))).outcome).toBe('recorded');
    expect((await approvals.approve('j1', 'U0A', at(3))).outcome).toBe('duplicate');
    const done = await approvals.approve('j1', 'U0B', at(4));
    expect(done.outcome).toBe('approved');
    expect(done.outcome !== 'missing' && done.state.approvals.map((a) => a.userId)).toEqual(['U0A', 'U0B']);
    expect((await approvals.approve('j1', 'U0C', at(5))).outcome).toBe('closed');
    expect((await approvals.reject('j1', 'U0C', 'late', at(6))).outcome).toBe('closed');
  });

  it('lets exactly one of many concurrent deciders close the request', async () => {
    await open('j2', { required: 1 });
    const users = Array.from({ length: 40 }, (_, i) => `U0X${i}`);
    const results = await Promise.all(users.map((u, i) => (i % 3 === 0 ? approvals.reject('j2', u, 'no', at(10)) : approvals.approve('j2', u, at(10)))));
    const closing = results.filter((r) => r.outcome === 'approved' || r.outcome === 'rejected');
    expect(closing).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'closed')).toHaveLength(39);
  });

  it('expires at its time, keeps partial approvals visible, and refuses clicks after', async () => {
    await open('j3');
    await approvals.approve('j3', 'U0A', at(1));
    expect((await approvals.expireIfDue('j3', at(59_000)))!.status).toBe('pending');
    const expired = await approvals.expireIfDue('j3', at(60_000));
    expect(expired).toMatchObject({ status: 'expired', approvals: [{ userId: 'U0A' }] });
    expect((await approvals.approve('j3', 'U0B', at(60_001))).outcome).toBe('closed');
  });

  it('expires on a click that comes too late, even before the job looked', async () => {
    await open('j4', { required: 1 });
    const late = await approvals.approve('j4', 'U0A', at(61_000));
    expect(late.outcome).toBe('expired');
    expect((await approvals.get('j4'))!.status).toBe('expired');
  });

  it('in confirm mode only the requester decides', async () => {
    await open('j5', { mode: 'confirm', required: 1 });
    expect((await approvals.approve('j5', 'U0A', at(1))).outcome).toBe('forbidden');
    expect((await approvals.approve('j5', 'U0REQ', at(2))).outcome).toBe('approved');
  });

  it('keeps the first request when a retried job opens it again', async () => {
    await open('j6');
    await approvals.approve('j6', 'U0A', at(1));
    const again = await open('j6', { planHash: 'other' });
    expect(again).toMatchObject({ planHash: 'abc', approvals: [{ userId: 'U0A' }] });
    expect((await approvals.approve('missing', 'U0A', at(1))).outcome).toBe('missing');
  });
});

describe("RedisApprovals.listPending (the App Home's list)", () => {
  it('lists requests while they are pending and drops each once approved, rejected or expired', async () => {
    await open('ja', { required: 1 });
    await open('jb', { expiresAt: at(30_000).toISOString() });
    await open('jc');
    await open('jd', { required: 1, expiresAt: at(10_000).toISOString() });
    // Soonest expiry first (ja and jc expire together: by id).
    expect((await approvals.listPending(at(1))).map((a) => a.jobId)).toEqual(['jd', 'jb', 'ja', 'jc']);
    await approvals.approve('ja', 'U0A', at(2));
    await approvals.reject('jb', 'U0A', undefined, at(3));
    await approvals.approve('jc', 'U0A', at(4)); // 1 of 2: still pending
    expect((await approvals.listPending(at(5))).map((a) => a.jobId)).toEqual(['jd', 'jc']);
    // Past its time a request is nobody's to decide, whether or not the job noticed yet.
    expect((await approvals.listPending(at(10_000))).map((a) => a.jobId)).toEqual(['jc']);
    await approvals.expireIfDue('jc', at(60_000));
    expect(await approvals.listPending(at(59_000))).toEqual([]);
  });
});

describe('RedisGroupLocks and RedisDeployHistory', () => {
  const group = { subscriptionId: 'S', resourceGroup: 'RG', name: 'Web' };
  it('holds one job per group, lets the holder refresh, and releases only for the holder', async () => {
    const locks = new RedisGroupLocks(redis);
    expect(await locks.acquire(group, 'ja', 10_000)).toEqual({ acquired: true });
    expect(await locks.acquire({ ...group, name: 'web' }, 'jb', 10_000)).toEqual({ acquired: false, holder: 'ja' });
    expect(await locks.acquire(group, 'ja', 10_000)).toEqual({ acquired: true });
    await locks.release(group, 'jb');
    expect(await locks.acquire(group, 'jb', 10_000)).toEqual({ acquired: false, holder: 'ja' });
    await locks.release(group, 'ja');
    expect(await locks.acquire(group, 'jb', 50)).toEqual({ acquired: true });
    await new Promise((r) => setTimeout(r, 120));
    expect(await locks.acquire(group, 'jc', 10_000)).toEqual({ acquired: true }); // expired
  });

  it("keeps each group's newest deploy for the App Home, and forgets a deleted group there but not its history", async () => {
    const history = new RedisDeployHistory(redis);
    const other = { ...group, name: 'api' };
    const entry = (jobId: string, ms: number) => ({
      jobId,
      image: `r/web@sha256:${jobId}`,
      loginServer: 'r',
      repository: 'web',
      digest: `sha256:${jobId}`,
      at: at(ms).toISOString(),
    });
    await history.record(group, entry('j1', 1));
    await history.record(group, entry('j2', 2));
    await history.record(other, entry('j3', 3));
    expect((await history.latest()).map((r) => r.jobId).sort()).toEqual(['j2', 'j3']);
    await history.removed(group);
    expect((await history.latest()).map((r) => r.jobId)).toEqual(['j3']);
    expect((await history.list(group)).map((r) => r.jobId)).toEqual(['j2', 'j1']);
  });

  it('records each deploy once, newest first, at most 20', async () => {
    const history = new RedisDeployHistory(redis);
    for (let i = 0; i < 25; i++) {
      const entry = { jobId: `j${i}`, image: `r/web@sha256:${i}`, loginServer: 'r', repository: 'web', digest: `sha256:${i}`, at: at(i).toISOString() };
      await history.record(group, entry);
      await history.record(group, entry);
    }
    const list = await history.list(group);
    expect(list).toHaveLength(20);
    expect(list[0]!.jobId).toBe('j24');
    expect(list[19]!.jobId).toBe('j5');
  });
});
