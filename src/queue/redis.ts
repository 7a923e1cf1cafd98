import { Redis } from 'ioredis';

/**
 * Producers (the ack path) must fail fast when Redis is down rather than queue commands
 * in memory while Slack's 3 s window runs out; workers must wait and reconnect forever.
 * See BullMQ's "failing fast when Redis is down" pattern.
 */
export function createRedis(url: string, use: 'producer' | 'worker'): Redis {
  return new Redis(url, {
    connectionName: `chatops-${use}`,
    ...(use === 'producer'
      ? // Auto-pipelining batches the writes of concurrent Slack requests into one socket write.
        { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null }),
    // Keep reconnecting with a bounded delay; the orchestrator's health check decides when to give up.
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
}
