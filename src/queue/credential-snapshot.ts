import type { Redis } from 'ioredis';
import type { ExpirySnapshot, ExpirySnapshots } from '../core/credentials/ports.ts';
import { keyPrefix } from './names.ts';

/** The last scan's expiring credentials: names, key ids and dates, never a secret value. */
export class RedisExpirySnapshots implements ExpirySnapshots {
  readonly #redis: Redis;
  readonly #key = `${keyPrefix}:credentials:expiring`;
  constructor(redis: Redis) {
    this.#redis = redis;
  }
  async save(snapshot: ExpirySnapshot): Promise<void> {
    await this.#redis.set(this.#key, JSON.stringify(snapshot));
  }
  async latest(): Promise<ExpirySnapshot | undefined> {
    const raw = await this.#redis.get(this.#key);
    return raw === null ? undefined : (JSON.parse(raw) as ExpirySnapshot);
  }
}
