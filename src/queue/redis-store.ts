import type { Redis } from 'ioredis';
import { defaultKeyPrefix } from './names.ts';

/** A store that keeps its records in Redis under the deployment's key prefix (`chatops` by default). */
export abstract class RedisStore {
  protected readonly redis: Redis;
  protected readonly prefix: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.redis = redis;
    this.prefix = prefix;
  }
}
