import type { Redis } from 'ioredis';
import { DEFAULT_COMMANDS_PER_MINUTE, type RateLimitResult, type UserRateLimit } from '../core/access/rate-limit.ts';
import { keyPrefix } from './names.ts';

/** Options of {@link RedisUserRateLimit}. */
export interface RedisUserRateLimitOptions {
  /** Commands per user per window. @defaultValue 20 */
  perMinute?: number;
  /** Window length; a minute unless a test shortens it. @defaultValue 60_000 */
  windowMs?: number;
  /** Clock, in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/**
 * A fixed-window counter per user in Redis: one `MULTI` (INCR + PEXPIRE) per command, so one
 * round trip on the ack path. Shared by every bot replica, unlike an in-memory counter.
 *
 * Fixed windows let a user reach twice the limit across a window boundary; for a politeness
 * limit that is fine and cheaper than a sliding log. Windows follow the bot's clock, not Redis's,
 * which only matters if replicas' clocks disagree by a good part of a minute.
 *
 * Redis errors are thrown: the caller's queue submit would fail the same way, and it already
 * tells the user the queue is unavailable.
 */
export class RedisUserRateLimit implements UserRateLimit {
  readonly #redis: Redis;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(redis: Redis, options: RedisUserRateLimitOptions = {}) {
    this.#redis = redis;
    this.#limit = options.perMinute ?? DEFAULT_COMMANDS_PER_MINUTE;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async hit(userId: string): Promise<RateLimitResult> {
    const now = this.#now();
    const window = Math.floor(now / this.#windowMs);
    const key = `${keyPrefix}:ratelimit:${userId}:${window}`;
    // The key is only used during its window; expiring a window after the last hit is enough.
    const replies = await this.#redis.multi().incr(key).pexpire(key, this.#windowMs).exec();
    const [incr] = replies ?? [];
    if (!incr) throw new Error('Redis discarded the rate-limit transaction');
    const [error, count] = incr;
    if (error) throw error;
    if (typeof count === 'number' && count <= this.#limit) return { allowed: true, retryAfterSeconds: 0 };
    const windowEnd = (window + 1) * this.#windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
  }
}
