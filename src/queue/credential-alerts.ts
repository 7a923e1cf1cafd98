import type { ExpiringCredential } from '../core/credentials/expiry.ts';
import type { AlertLedger } from '../core/credentials/ports.ts';
import { RedisStore } from './redis-store.ts';

/** Long enough to outlive any secret's last threshold; a re-issued keyId is a new credential anyway. */
const ttlSeconds = 400 * 86_400;
/** How long one scan holds what it is announcing (its alert on its way to Slack). */
const holdMs = 6 * 3600_000;

// A credential is news when it reached a lower threshold than the one last announced, and no
// other scan is announcing it right now; news is held for this scan until Slack took its alert.
// One round trip per batch, so a second scan the same day stays quiet.
const CLAIM = `
local out = {}
for i, key in ipairs(KEYS) do
  local t = tonumber(ARGV[i + 1])
  local last = redis.call('GET', key)
  local holder = redis.call('GET', key .. ':announcing')
  if ((not last) or t < tonumber(last)) and ((not holder) or holder == ARGV[1]) then
    redis.call('SET', key .. ':announcing', ARGV[1], 'PX', ${holdMs})
    table.insert(out, i)
  end
end
return out
`;

// Slack took the alert: the thresholds are announced. ARGV[1]: the scan's id; then thresholds.
const CONFIRM = `
for i, key in ipairs(KEYS) do
  local t = tonumber(ARGV[i + 1])
  local last = redis.call('GET', key)
  if (not last) or t < tonumber(last) then redis.call('SET', key, t, 'EX', ${ttlSeconds}) end
  if redis.call('GET', key .. ':announcing') == ARGV[1] then redis.call('DEL', key .. ':announcing') end
end
return 1
`;

// The alert did not reach its channel: let the next scan announce these again.
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key .. ':announcing') == ARGV[1] then redis.call('DEL', key .. ':announcing') end
end
return 1
`;

/** Which expiring credentials were announced, per threshold, in Redis. */
export class RedisAlertLedger extends RedisStore implements AlertLedger {
  #keys(batch: readonly ExpiringCredential[]): string[] {
    return batch.map((c) => `${this.prefix}:cred-alert:${c.appId}:${c.keyId}`);
  }

  async #each(credentials: readonly ExpiringCredential[], run: (batch: readonly ExpiringCredential[]) => Promise<void>): Promise<void> {
    for (let start = 0; start < credentials.length; start += 500) await run(credentials.slice(start, start + 500));
  }

  async claimNew(credentials: readonly ExpiringCredential[], scanId: string): Promise<ExpiringCredential[]> {
    const news: ExpiringCredential[] = [];
    await this.#each(credentials, async (batch) => {
      const keys = this.#keys(batch);
      const picked = (await this.redis.eval(CLAIM, keys.length, ...keys, scanId, ...batch.map((c) => String(c.threshold)))) as number[];
      news.push(...picked.map((i) => batch[i - 1]!));
    });
    return news;
  }

  async confirm(credentials: readonly ExpiringCredential[], scanId: string): Promise<void> {
    await this.#each(credentials, async (batch) => {
      const keys = this.#keys(batch);
      await this.redis.eval(CONFIRM, keys.length, ...keys, scanId, ...batch.map((c) => String(c.threshold)));
    });
  }

  async release(credentials: readonly ExpiringCredential[], scanId: string): Promise<void> {
    await this.#each(credentials, async (batch) => {
      const keys = this.#keys(batch);
      await this.redis.eval(RELEASE, keys.length, ...keys, scanId);
    });
  }
}
