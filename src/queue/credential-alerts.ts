import type { Redis } from 'ioredis';
import type { ExpiringCredential } from '../core/credentials/expiry.ts';
import { defaultKeyPrefix } from './names.ts';

/** Long enough to outlive any secret's last threshold; a re-issued keyId is a new credential anyway. */
const ttlSeconds = 400 * 86_400;

// Announces a credential only when it reaches a lower threshold than last time, in one round
// trip per batch, so a second scan the same day stays quiet and the next threshold speaks once.
const CLAIM = `
local out = {}
for i, key in ipairs(KEYS) do
  local t = tonumber(ARGV[i])
  local last = redis.call('GET', key)
  if (not last) or t < tonumber(last) then
    redis.call('SET', key, t, 'EX', ${ttlSeconds})
    table.insert(out, i)
  end
end
return out
`;

/** Which expiring credentials are news: thresholds already announced stay announced. */
export class RedisAlertLedger {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async claimNew(credentials: readonly ExpiringCredential[]): Promise<ExpiringCredential[]> {
    const news: ExpiringCredential[] = [];
    for (let start = 0; start < credentials.length; start += 500) {
      const batch = credentials.slice(start, start + 500);
      const keys = batch.map((c) => `${this.#prefix}:cred-alert:${c.appId}:${c.keyId}`);
      const picked = (await this.#redis.eval(CLAIM, keys.length, ...keys, ...batch.map((c) => String(c.threshold)))) as number[];
      news.push(...picked.map((i) => batch[i - 1]!));
    }
    return news;
  }
}
