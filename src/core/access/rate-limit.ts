import { md, type Mrkdwn } from '../mrkdwn.ts';

/** The outcome of one {@link UserRateLimit.hit}. */
export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the user may run a command again; 0 when allowed. */
  retryAfterSeconds: number;
}

/** A per-user command budget. The Redis adapter is `RedisUserRateLimit` (src/queue/user-rate-limit.ts). */
export interface UserRateLimit {
  /** Counts one command by `userId` and says whether it may run. */
  hit(userId: string): Promise<RateLimitResult>;
}

/** Commands a user may run per minute when `access.rateLimit.perMinute` is not set. */
export const DEFAULT_COMMANDS_PER_MINUTE = 20;

/** The ephemeral reply to a rate-limited command: friendly, with when to try again. */
export function rateLimitMessage(result: RateLimitResult, perMinute: number = DEFAULT_COMMANDS_PER_MINUTE): Mrkdwn {
  const wait = Math.max(1, Math.ceil(result.retryAfterSeconds));
  return md`:hourglass_flowing_sand: Easy there: that's more than ${perMinute} commands in a minute, so this one wasn't run. Try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
}
