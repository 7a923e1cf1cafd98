import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createRedis } from '../queue/redis.ts';
import type { EntraRedisAuth } from '../queue/redis-entra-auth.ts';
import type { ReadinessCheck } from './readiness.ts';

/** What a role hands back to the composition root so it can shut everything down in order. */
export interface RoleResources {
  config: Config;
  logger: Logger;
  /** BullMQ workers: closed first, gracefully, within the grace period. */
  workers: Worker[];
  /** Everything else, closed after the workers in the order listed. */
  closers: (() => Promise<unknown>)[];
  metrics: Metrics;
  /** What `/readyz` checks; a role (or a feature it starts) adds one with `readiness.push(check)`. */
  readiness: ReadinessCheck[];
  /** What `/healthz` checks: cheap, local facts (a loop that should run, runs). */
  liveness: (() => { ok: boolean; detail?: string })[];
  redisFor(use: 'producer' | 'worker'): Redis;
}

/**
 * What every role shares. With REDIS_ENTRA_AUTH the first Microsoft Entra token for Redis is
 * fetched here, before any connection is made (the bot's own Azure identity, as for ARM).
 */
export async function createRoleResources(config: Config, logger: Logger, metrics: Metrics): Promise<RoleResources> {
  const closers: (() => Promise<unknown>)[] = [];
  const entra = config.redis.entraAuth ? await startEntraRedisAuth(config, logger, metrics) : undefined;
  if (entra) closers.push(async () => entra.stop());
  return {
    config,
    logger,
    workers: [],
    closers,
    metrics,
    readiness: [],
    liveness: [],
    redisFor(use) {
      const redis = createRedis(config.redis.url, use, entra);
      redis.on('error', (err) => logger.warn({ err: { message: err.message }, redis: use }, 'Redis connection problem'));
      closers.push(() => redis.quit().catch(() => redis.disconnect()));
      return redis;
    },
  };
}

async function startEntraRedisAuth(config: Config, logger: Logger, metrics: Metrics): Promise<EntraRedisAuth> {
  const [{ EntraRedisAuth }, { createAzureCredential }, { observedAzureClient }] = await Promise.all([
    import('../queue/redis-entra-auth.ts'),
    import('../azure/credential.ts'),
    import('../azure/request-metrics.ts'),
  ]);
  const username = decodeURIComponent(new URL(config.redis.url).username) || undefined;
  const auth = new EntraRedisAuth({
    credential: createAzureCredential(config.azure.credential, config.azure.endpoints, observedAzureClient('entra-id', metrics)),
    logger,
    ...(username && { username }),
  });
  await auth.start();
  logger.info('Redis: signing in with the Azure identity (Microsoft Entra)');
  return auth;
}

export function withDeadline(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((r) => setTimeout(r, ms).unref())]);
}

/** Resolves once the connection is ready (waiting, with a warning, while Redis is down). */
export async function ready(redis: Redis, logger: Logger): Promise<void> {
  if (redis.status === 'ready') return;
  const warn = setTimeout(() => logger.warn('waiting for Redis to accept connections'), 2000);
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  clearTimeout(warn);
}

export async function ping(redis: Redis): Promise<boolean> {
  const answer = await Promise.race([redis.ping().catch(() => 'error'), new Promise((r) => setTimeout(r, 500, 'timeout'))]);
  return answer === 'PONG';
}
