import { WebClient } from '@slack/web-api';
import type { Worker } from 'bullmq';
import type { App } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createJobHandlers } from '../../jobs/index.ts';
import { AzureAcrBuilds } from '../azure/acr-builds.ts';
import { createAzureCredential } from '../azure/credential.ts';
import { BlobLogReader } from '../azure/log-blob-reader.ts';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/load-config.ts';
import { OutboxReporter } from '../outbox/outbox-reporter.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import { createOutboxWorker } from '../outbox/outbox-worker.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { RedisCancelRequests } from '../queue/cancel-requests.ts';
import { createJobWorker } from '../queue/job-worker.ts';
import { createRedis } from '../queue/redis.ts';
import { RedisAuditLog } from '../audit/redis-audit-log.ts';
import { createAccessPolicy } from '../core/access/access-policy.ts';
import { RedisUserRateLimit } from '../queue/user-rate-limit.ts';
import { createSlackApp } from '../slack/app.ts';
import { SlackGroupMembers } from '../slack/usergroup-members.ts';
import { createOutboxSender } from '../slack/outbox-sender.ts';
import { startHealthServer } from './health-server.ts';

export interface Running {
  /** The HTTP port actually bound (bot role, HTTP mode). */
  port?: number;
  /** Stops taking work, lets active jobs finish (up to the grace period), closes connections. */
  stop(): Promise<void>;
}

/**
 * Composition root: builds every client from config and starts the roles asked for. The
 * bot role answers Slack; the worker role runs jobs against Azure and sends the outbox.
 * All state is in Redis, so any number of either can run side by side.
 */
export async function start(config: Config, logger: Logger): Promise<Running> {
  const closers: (() => Promise<unknown>)[] = [];
  const redisFor = (use: 'producer' | 'worker'): Redis => {
    const redis = createRedis(config.redisUrl, use);
    redis.on('error', (err) => logger.warn({ err: { message: err.message }, redis: use }, 'Redis connection problem'));
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
    return redis;
  };
  const workers: Worker[] = [];
  let app: App | undefined;
  let port: number | undefined;

  if (config.role === 'worker' || config.role === 'all') {
    const redis = redisFor('worker');
    const credential = createAzureCredential(config.azure.credential, config.azure.endpoints);
    const acr = new AzureAcrBuilds({ credential, resourceManager: config.azure.endpoints.resourceManager });
    const store = new OutboxStore(redis);
    const jobs = new BullJobQueue(redis);
    closers.unshift(() => store.close(), () => jobs.close());
    const worker = createJobWorker({
      connection: redis,
      logger,
      concurrency: config.worker.concurrency,
      lockDurationMs: config.worker.lockDurationMs,
      handlers: createJobHandlers({
        acr,
        logs: new BlobLogReader(),
        reporter: new OutboxReporter(store),
        cancels: new RedisCancelRequests(redis),
        jobs,
        portal: config.azure.endpoints.portal,
        pollIntervalMs: config.worker.pollIntervalMs,
      }),
    });
    workers.push(worker);
    void worker.run();
    // The outbox sender runs beside the jobs, not in the bot: the bot's event loop is kept
    // for acking Slack within 3 s, and the Slack writes come from the jobs anyway.
    const slack = new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
      // 429s come back to the outbox (which pauses and retries durably) instead of being
      // slept on inside one process; 5xx get two quick retries, then the outbox's backoff.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    });
    const outboxWorker = createOutboxWorker({ connection: redis, logger, flush: createOutboxSender({ client: slack, store, logger }) });
    workers.push(outboxWorker);
    void outboxWorker.run();
    logger.info({ concurrency: config.worker.concurrency }, 'job worker started');
    if (config.role === 'worker') {
      const health = await startHealthServer(config.port, async () => worker.isRunning() && (await ping(redis)));
      closers.push(() => new Promise((r) => health.close(r)));
    }
  }

  if (config.role === 'bot' || config.role === 'all') {
    const producer = redisFor('producer');
    // The producer fails fast instead of queueing commands offline, so it must be connected
    // before BullMQ's queues run their start-up checks on it.
    await ready(producer, logger);
    const jobs = new BullJobQueue(producer);
    const outbox = new OutboxStore(producer);
    closers.unshift(() => jobs.close(), () => outbox.close());
    const identity = await whoAmI(slackForStartup(config), logger);
    app = createSlackApp({
      botToken: config.slack.botToken,
      botId: identity.botId,
      botUserId: identity.botUserId,
      ...(config.slack.signingSecret && { signingSecret: config.slack.signingSecret }),
      ...(config.slack.appToken && { appToken: config.slack.appToken }),
      ...(config.slack.apiUrl && { apiUrl: config.slack.apiUrl }),
      environments: config,
      policy: createAccessPolicy({
        config: config.access,
        environments: Object.keys(config.environments),
        groups: new SlackGroupMembers({
          ttlMs: config.groupCacheMs,
          client: new WebClient(config.slack.botToken, {
            ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
            rejectRateLimitedCalls: true,
            retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
          }),
        }),
      }),
      audit: new RedisAuditLog({ redis: producer, logger }),
      rateLimit: new RedisUserRateLimit(producer, { perMinute: config.access.rateLimit.perMinute }),
      perMinute: config.access.rateLimit.perMinute,
      portal: config.azure.endpoints.portal,
      jobs,
      outbox,
      cancels: new RedisCancelRequests(producer),
      logger,
      healthy: () => ping(producer),
    });
    const server = await app.start(config.port);
    const address = (server as { address?: () => unknown })?.address?.();
    port = typeof address === 'object' && address && 'port' in address ? (address as { port: number }).port : config.port;
    if (config.slack.appToken) {
      // Socket Mode has no HTTP receiver; probes still get /healthz.
      const health = await startHealthServer(config.port, () => ping(producer));
      closers.push(() => new Promise((r) => health.close(r)));
    }
    logger.info({ port, socketMode: Boolean(config.slack.appToken) }, 'Slack app listening');
  }

  let stopping: Promise<void> | undefined;
  return {
    ...(port !== undefined && { port }),
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down: no new work; letting active jobs finish');
        await app?.stop().catch(() => {});
        const graceful = Promise.all(workers.map((w) => w.close()));
        const timedOut = await Promise.race([
          graceful.then(() => false),
          new Promise<boolean>((r) => setTimeout(r, config.worker.shutdownGraceMs, true).unref()),
        ]);
        if (timedOut) {
          // Whatever is still active is handed back: its lock lapses and another worker resumes it from its saved step.
          logger.warn('grace period over; handing unfinished jobs back to the queue');
          await withDeadline(Promise.all(workers.map((w) => w.close(true))), 2000);
        }
        // With Redis unreachable a close can wait forever; exiting is what matters then.
        for (const close of closers) await withDeadline(close().catch(() => {}), 2000);
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

function slackForStartup(config: Config): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 5000 },
  });
}

/**
 * The bot's own ids, from auth.test. Done here (with retries) rather than inside Bolt's
 * constructor, where a Slack hiccup becomes an unhandled rejection, and an invalid token
 * is reported as the configuration problem it is.
 */
async function whoAmI(client: WebClient, logger: Logger): Promise<{ botId: string; botUserId: string }> {
  try {
    const res = await client.auth.test();
    logger.info({ team: res.team_id, botUserId: res.user_id }, 'Slack token verified');
    return { botId: res.bot_id ?? '', botUserId: res.user_id ?? '' };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new ConfigError([`SLACK_BOT_TOKEN: Slack says ${code}; copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page`]);
    }
    throw err;
  }
}

function withDeadline(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((r) => setTimeout(r, ms).unref())]);
}

async function ready(redis: Redis, logger: Logger): Promise<void> {
  if (redis.status === 'ready') return;
  const warn = setTimeout(() => logger.warn('waiting for Redis to accept connections'), 2000);
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  clearTimeout(warn);
}

async function ping(redis: Redis): Promise<boolean> {
  const answer = await Promise.race([redis.ping().catch(() => 'error'), new Promise((r) => setTimeout(r, 500, 'timeout'))]);
  return answer === 'PONG';
}
