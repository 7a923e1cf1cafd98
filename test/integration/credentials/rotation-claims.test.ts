/** Rotation claims against the real Redis: one holder per credential, and a finished holder never blocks. */
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { appSecretCredential, claimRotation, registryTokenCredential } from '../../../src/core/credentials/rotation-claims.ts';
import type { RotationPhase } from '../../../src/core/credentials/jobs.ts';
import type { JobState, StoredJob } from '../../../src/core/job-queue.ts';
import { RedisRotationClaims } from '../../../src/queue/rotation-claims.ts';

const redis = new Redis(process.env.TEST_REDIS_URL!.replace(/\/\d+$/, '/12'));
const claims = new RedisRotationClaims(redis);
const app = appSecretCredential('22222222-2222-4222-8222-222222222222');

/** A queue that knows a few jobs, by id. */
function queue(jobs: Record<string, { state: JobState; phase?: RotationPhase; requesterId?: string }>) {
  return {
    get: async (id: string): Promise<StoredJob | undefined> => {
      const j = jobs[id];
      const data = {
        jobId: id,
        requesterId: j?.requesterId ?? 'U0A',
        teamId: 'T0',
        channelId: 'C0',
        queuedAt: '2026-11-28T09:00:00.000Z',
        trigger: 'command' as const,
        app: 'pipeline',
        progress: { phase: j?.phase ?? 'adding', steps: [] },
      };
      return j && { id, kind: 'rotate-secret', state: j.state, data };
    },
  };
}

beforeEach(() => redis.flushdb());
afterAll(() => redis.quit());

describe('claimRotation with RedisRotationClaims', () => {
  it('gives a credential to one job; the same job claims again freely; another is told who holds it and who asked', async () => {
    const jobs = queue({ jA: { state: 'delayed', requesterId: 'U0ALICE' } });
    expect(await claimRotation(claims, jobs, app, 'jA')).toEqual({ claimed: true });
    expect(await claimRotation(claims, jobs, app, 'jA')).toEqual({ claimed: true });
    expect(await claimRotation(claims, jobs, app, 'jB')).toEqual({ claimed: false, holder: 'jA', requesterId: 'U0ALICE' });
    // Other credentials are independent.
    expect(await claimRotation(claims, jobs, appSecretCredential('33333333-3333-4333-8333-333333333333'), 'jB')).toEqual({ claimed: true });
  });

  it('takes over from a holder that finished (completed, failed, or done) or disappeared', async () => {
    for (const finished of [{ state: 'completed' as const }, { state: 'failed' as const }, { state: 'active' as const, phase: 'done' as const }]) {
      await redis.flushdb();
      const jobs = queue({ jOld: finished });
      await claims.claim(app, 'jOld');
      expect(await claimRotation(claims, jobs, app, 'jNew'), JSON.stringify(finished)).toEqual({ claimed: true });
      expect((await claims.claim(app, 'jOther')).jobId).toBe('jNew');
    }
  });

  it('holds a claim whose job is not queued yet for a minute (the requester is still queueing it), then lets it go', async () => {
    const jobs = queue({});
    await claims.claim(app, 'jQueueing');
    expect(await claimRotation(claims, jobs, app, 'jB')).toEqual({ claimed: false, holder: 'jQueueing' });
    expect(await claimRotation(claims, jobs, app, 'jB', () => Date.now() + 61_000)).toEqual({ claimed: true });
  });

  it('releases only for the holder, and keys registry tokens by subscription, group, registry and token', async () => {
    await claims.claim(app, 'jA');
    await claims.release(app, 'jB');
    expect((await claims.claim(app, 'jB')).jobId).toBe('jA');
    await claims.release(app, 'jA');
    expect((await claims.claim(app, 'jB')).jobId).toBe('jB');
    const token = registryTokenCredential({ subscriptionId: 'S', resourceGroup: 'RG', name: 'ContosoDev' }, 'ci-pull');
    expect(token).toBe('token:s/rg/contosodev/ci-pull');
    expect(await redis.ttl(`chatops:rotation:${token}`)).toBe(-2);
    await claims.claim(token, 'jT');
    expect(await redis.ttl(`chatops:rotation:${token}`)).toBeGreaterThan(80 * 86_400);
  });
});
