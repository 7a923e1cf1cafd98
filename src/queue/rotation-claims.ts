import type { RotationClaims } from '../core/credentials/rotation-claims.ts';
import { RedisStore } from './redis-store.ts';

// KEYS[1]: the claim. ARGV: job id, now (ms), holder to replace ('' for none), ttl (s).
// The value is "<jobId> <claimedAtMs>"; the holder is returned in the same form.
const CLAIM = `
local held = redis.call('GET', KEYS[1])
local holder = held and string.match(held, '^(%S+)')
if held == false or holder == ARGV[1] or (ARGV[3] ~= '' and holder == ARGV[3]) then
  if holder ~= ARGV[1] then held = ARGV[1] .. ' ' .. ARGV[2] end
  redis.call('SET', KEYS[1], held, 'EX', ARGV[4])
end
return held
`;
const RELEASE = `
local held = redis.call('GET', KEYS[1])
if held and string.match(held, '^(%S+)') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Only a safety net against a claim outliving everything (the longest rotation is a 30-day
 * grace period plus its verification): a finished or vanished holder is taken over anyway.
 */
const TTL_SECONDS = 90 * 86_400;

/** Rotation claims as one Redis key per credential, changed only by these two scripts. */
export class RedisRotationClaims extends RedisStore implements RotationClaims {
  async claim(credential: string, jobId: string, replacing = ''): Promise<{ jobId: string; claimedAt: number }> {
    const held = (await this.redis.eval(CLAIM, 1, this.#key(credential), jobId, String(Date.now()), replacing, String(TTL_SECONDS))) as string;
    const [holder = '', at = '0'] = held.split(' ');
    return { jobId: holder, claimedAt: Number(at) };
  }

  async release(credential: string, jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.#key(credential), jobId);
  }

  #key(credential: string): string {
    return `${this.prefix}:rotation:${credential}`;
  }
}
