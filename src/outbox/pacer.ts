import type { Redis } from 'ioredis';
import { defaultKeyPrefix } from '../queue/names.ts';

/** A rate: one call every `intervalMs` on average, up to `burst` at once after a quiet spell. */
export interface Pace {
  intervalMs: number;
  burst: number;
}

/**
 * The generic cell rate algorithm (GCRA) over one Redis key per scope, run as one script so every
 * worker shares it. The key holds the "theoretical arrival time" (TAT) of the next call; a call
 * conforms when TAT − now ≤ (burst − 1) · interval. Redis' clock is the only clock, so workers
 * with skewed clocks agree.
 *
 * ARGV: interval ms, burst, mode, extra.
 * - `reserve`: takes the next slot, now or later; returns the wait in ms (≥ 0).
 * - `try`: takes a slot only if one is free now within `extra` (0..1) of the burst, leaving the
 *   rest for reservations; returns 0 when taken, else −(ms until one would be).
 * - `push`: nobody may call for `extra` ms (Slack answered 429 with Retry-After); returns 0.
 */
const gcra = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tau = (tonumber(ARGV[2]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local function save(v)
  redis.call('SET', KEYS[1], v, 'PX', math.ceil(v - now) + 60000)
end
if ARGV[3] == 'push' then
  local blocked = now + tonumber(ARGV[4]) + tau
  if blocked > tat then save(blocked) end
  return 0
end
if ARGV[3] == 'try' then
  local tolerance = tau * tonumber(ARGV[4])
  if tat - now > tolerance then return -math.ceil(tat - tolerance - now) end
  save(tat + interval)
  return 0
end
local slot = tat - tau
if slot < now then slot = now end
save(tat + interval)
return math.ceil(slot - now)
`;

/**
 * Paces calls per scope (a channel, a Web API method) across every worker, through Redis: one
 * key per scope, `<prefix>:pace:<scope>`, under the install's prefix.
 */
export class Pacer {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
    if (!('chatopsPace' in redis)) redis.defineCommand('chatopsPace', { numberOfKeys: 1, lua: gcra });
  }

  #call(scope: string, pace: Pace, mode: 'reserve' | 'try' | 'push', extra = 0): Promise<number> {
    return (this.#redis as Redis & { chatopsPace: (...args: (string | number)[]) => Promise<number> }).chatopsPace(
      `${this.#prefix}:pace:${scope}`,
      pace.intervalMs,
      pace.burst,
      mode,
      extra,
    );
  }

  /** Reserves the next slot; resolves to how long to wait for it (0: go now). Reservations never collide. */
  reserve(scope: string, pace: Pace): Promise<number> {
    return this.#call(scope, pace, 'reserve');
  }

  /**
   * Takes a slot only if one is free now, using at most `share` of the burst (the rest is kept
   * for reservations). Resolves to 0 when taken, else to how far behind the scope is, in ms.
   */
  async tryNow(scope: string, pace: Pace, share: number): Promise<number> {
    const answer = await this.#call(scope, pace, 'try', share);
    return answer === 0 ? 0 : -answer;
  }

  /** Nobody calls in `scope` for `ms` (the service said so). */
  async block(scope: string, pace: Pace, ms: number): Promise<void> {
    await this.#call(scope, pace, 'push', ms);
  }
}
