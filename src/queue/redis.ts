import { Redis, type RedisOptions } from 'ioredis';
import type { EntraRedisAuth } from './redis-entra-auth.ts';

/**
 * Producers (the ack path) must fail fast when Redis is down rather than queue commands
 * in memory while Slack's 3 s window runs out; workers must wait and reconnect forever.
 * See BullMQ's "failing fast when Redis is down" pattern. `url` carries TLS (`rediss://`),
 * user name and password; with `entra`, the password is a Microsoft Entra token kept current.
 */
export function createRedis(url: string, use: 'producer' | 'worker', entra?: EntraRedisAuth): Redis {
  const options: RedisOptions = {
    connectionName: `chatops-${use}`,
    ...(use === 'producer'
      ? // Auto-pipelining batches the writes of concurrent Slack requests into one socket write.
        { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null }),
    // Keep reconnecting with a bounded delay; the orchestrator's health check decides when to give up.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  };
  return entra ? entra.connect(url, options) : new Redis(url, options);
}
