import type { Redis } from 'ioredis';
import type { ExpirySnapshot, ExpirySnapshots } from '../core/credentials/ports.ts';
import { defaultKeyPrefix } from './names.ts';

/** The last scan's expiring credentials: names, key ids and dates, never a secret value. */
export class RedisExpirySnapshots implements ExpirySnapshots {
  readonly #redis: Redis;
  readonly #key: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#key = `${prefix}:credentials:expiring`;
  }
  async save(snapshot: ExpirySnapshot): Promise<void> {
    await this.#redis.set(this.#key, JSON.stringify(snapshot));
  }
  async latest(): Promise<ExpirySnapshot | undefined> {
    const raw = await this.#redis.get(this.#key);
    return raw === null ? undefined : (JSON.parse(raw) as ExpirySnapshot);
  }
}
