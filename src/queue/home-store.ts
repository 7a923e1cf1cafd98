import type { HomeNotices, HomeViewer, HomeViewers, UserJobs } from '../core/home/ports.ts';
import type { Mrkdwn } from '../core/mrkdwn.ts';
import { RedisStore } from './redis-store.ts';

const DAY_S = 86_400;
/** Finished jobs are kept a week (BullJobQueue); so is the list of them. */
const userJobsTtlSeconds = 8 * DAY_S;
/** Jobs remembered per person. */
const userJobsKept = 30;
/** A Home opened longer ago than this is no longer refreshed; opening it again refreshes it at once. */
const viewerRetentionMs = 30 * DAY_S * 1000;
/** How long the answer to a click stays on the Home. */
const noticeTtlSeconds = 15 * 60;

/**
 * The App Home's own state in Redis: who opened it (and from which workspace), each person's
 * recent jobs, the answer to their last click, and what was last published to them (so an
 * unchanged Home is not sent again and a person gets at most one publish per interval).
 */
export class RedisHomeStore extends RedisStore implements UserJobs, HomeViewers, HomeNotices {
  #key(part: string, userId?: string): string {
    return `${this.prefix}:home:${part}${userId === undefined ? '' : `:${userId}`}`;
  }

  async record(userId: string, jobId: string, queuedAt: string): Promise<void> {
    const key = this.#key('jobs', userId);
    const tx = this.redis.multi();
    tx.zadd(key, Date.parse(queuedAt) || Date.now(), jobId);
    tx.zremrangebyrank(key, 0, -(userJobsKept + 1));
    tx.expire(key, userJobsTtlSeconds);
    await tx.exec();
  }

  recent(userId: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.#key('jobs', userId), 0, limit - 1);
  }

  async opened(viewer: HomeViewer): Promise<void> {
    const { userId, ...rest } = viewer;
    await this.redis.hset(this.#key('viewers'), userId, JSON.stringify(rest));
  }

  async viewer(userId: string): Promise<HomeViewer | undefined> {
    const raw = await this.redis.hget(this.#key('viewers'), userId);
    return raw === null ? undefined : { userId, ...(JSON.parse(raw) as Omit<HomeViewer, 'userId'>) };
  }

  async viewers(now: Date): Promise<HomeViewer[]> {
    const all = Object.entries(await this.redis.hgetall(this.#key('viewers'))).map(([userId, raw]) => ({
      userId,
      ...(JSON.parse(raw) as Omit<HomeViewer, 'userId'>),
    }));
    const stale = all.filter((v) => Date.parse(v.openedAt) < now.getTime() - viewerRetentionMs);
    if (stale.length > 0) await this.redis.hdel(this.#key('viewers'), ...stale.map((v) => v.userId));
    return all.filter((v) => !stale.includes(v));
  }

  async setNotice(userId: string, text: Mrkdwn): Promise<void> {
    await this.redis.set(this.#key('notice', userId), JSON.stringify(text), 'EX', noticeTtlSeconds);
  }

  async notice(userId: string): Promise<Mrkdwn | undefined> {
    const raw = await this.redis.get(this.#key('notice', userId));
    return raw === null ? undefined : (JSON.parse(raw) as Mrkdwn);
  }

  /** Milliseconds until `userId` may get another publish (0: now). */
  async waitBeforePublish(userId: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.#key('sent', userId)));
  }

  /** The fingerprint of the Home last published to `userId`. */
  lastPublished(userId: string): Promise<string | null> {
    return this.redis.get(this.#key('hash', userId));
  }

  /** Records a publish: its fingerprint, and the start of the interval before the next one. */
  async published(userId: string, fingerprint: string, minIntervalMs: number): Promise<void> {
    const tx = this.redis.multi();
    tx.set(this.#key('hash', userId), fingerprint, 'EX', 30 * DAY_S);
    tx.set(this.#key('sent', userId), '1', 'PX', minIntervalMs);
    await tx.exec();
  }
}
