import type { Redis } from 'ioredis';
import { DEFAULT_COMMANDS_PER_MINUTE, type RateLimitResult, type UserRateLimit } from '../core/access/rate-limit.ts';
import { defaultKeyPrefix } from './names.ts';

/** Options of {@link RedisUserRateLimit}. */
export interface RedisUserRateLimitOptions {
  /** Commands per user per window. @defaultValue 20 */
  perMinute?: number;
  /** Window length; a minute unless a test shortens it. @defaultValue 60_000 */
  windowMs?: number;
  /** Clock, in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
  /** Redis key prefix of the install. @defaultValue `chatops` */
  prefix?: string;
}

/**
 * A fixed-window counter per user in Redis: one script (INCR + PEXPIRE) per command, so one
 * round trip on the ack path. Shared by every bot replica, unlike an in-memory counter.
 *
 * Fixed windows let a user reach twice the limit across a window boundary; for a politeness
 * limit that is fine and cheaper than a sliding log. Windows follow the bot's clock, not Redis's,
 * which only matters if replicas' clocks disagree by a good part of a minute.
 *
 * Redis errors are thrown: the caller's queue submit would fail the same way, and it already
 * tells the user the queue is unavailable.
 */
/** KEYS: the window's counter. ARGV: its lifetime in ms. The key only lives through its window. */
const hitScript = `
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n`;

export class RedisUserRateLimit implements UserRateLimit {
  readonly #redis: Redis;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #prefix: string;

  constructor(redis: Redis, options: RedisUserRateLimitOptions = {}) {
    this.#redis = redis;
    this.#limit = options.perMinute ?? DEFAULT_COMMANDS_PER_MINUTE;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#prefix = options.prefix ?? defaultKeyPrefix;
    if (!('chatopsRateHit' in redis)) redis.defineCommand('chatopsRateHit', { numberOfKeys: 1, lua: hitScript });
  }

  async hit(userId: string): Promise<RateLimitResult> {
    const now = this.#now();
    const window = Math.floor(now / this.#windowMs);
    const key = `${this.#prefix}:ratelimit:${userId}:${window}`;
    // One script call (EVALSHA) rather than a MULTI: this runs on the ack path for every command.
    const count = await (this.#redis as Redis & { chatopsRateHit: (key: string, ttlMs: number) => Promise<unknown> }).chatopsRateHit(key, this.#windowMs);
    if (typeof count === 'number' && count <= this.#limit) return { allowed: true, retryAfterSeconds: 0 };
    const windowEnd = (window + 1) * this.#windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) };
  }
}
