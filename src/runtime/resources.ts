import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createRedis } from '../queue/redis.ts';
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

export function createRoleResources(config: Config, logger: Logger, metrics: Metrics): RoleResources {
  const closers: (() => Promise<unknown>)[] = [];
  return {
    config,
    logger,
    workers: [],
    closers,
    metrics,
    readiness: [],
    liveness: [],
    redisFor(use) {
      const redis = createRedis(config.redisUrl, use);
      redis.on('error', (err) => logger.warn({ err: { message: err.message }, redis: use }, 'Redis connection problem'));
      closers.push(() => redis.quit().catch(() => redis.disconnect()));
      return redis;
    },
  };
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
