import type { RunClaims } from '../core/build/acr-builds.ts';
import type { CancelRequests } from '../core/job-queue.ts';
import { RedisStore } from './redis-store.ts';

const ttlSeconds = 7 * 24 * 3600;

/** Cancel flags in Redis: set by the Slack side, read by the job at its next step. */
export class RedisCancelRequests extends RedisStore implements CancelRequests {
  async request(jobId: string, userId: string): Promise<void> {
    await this.redis.set(`${this.prefix}:cancel:${jobId}`, userId, 'EX', ttlSeconds, 'NX');
  }
  async requestedBy(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:cancel:${jobId}`)) ?? undefined;
  }
}

/** Run ownership in Redis (SET NX), kept as long as jobs are. */
export class RedisRunClaims extends RedisStore implements RunClaims {
  async claim(registry: string, runId: string, jobId: string): Promise<boolean> {
    const key = `${this.prefix}:acr-run:${registry}:${runId}`;
    if ((await this.redis.set(key, jobId, 'EX', ttlSeconds, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === jobId;
  }
  async ownerOf(registry: string, runId: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}:acr-run:${registry}:${runId}`)) ?? undefined;
  }
}
