/**
 * The Slack outbox on its own, for integration tests: the real WebClient against the Slack
 * emulator (Slack's limits on), a real Redis, the outbox store, sender and worker(s).
 */
import { WebClient } from '@slack/web-api';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { OutboxStore } from '../../src/outbox/outbox-store.ts';
import { createOutboxWorker } from '../../src/outbox/outbox-worker.ts';
import { createOutboxSender } from '../../src/slack/outbox-sender.ts';
import { startSlackEmulator, type SlackEmulator, type SlackLimitsOptions } from '../emulators/slack/index.ts';

export interface OutboxRig {
  slack: SlackEmulator;
  redis: Redis;
  store: OutboxStore;
  token: string;
  /** Every log line the outbox wrote (JSON). */
  logs: string[];
  /** The outbox workers (one per simulated process). */
  workers: Worker[];
  stop(): Promise<void>;
}

export async function startOutboxRig(
  options: { limits?: SlackLimitsOptions; admins?: string[]; workers?: number; haltProbeMs?: number } = {},
): Promise<OutboxRig> {
  const token = 'xoxb-outbox-rig';
  const slack = await startSlackEmulator(options.limits ? { limits: options.limits } : {});
  slack.addToken(token, { teamId: 'T0', botUserId: 'U0BOT' });
  const redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
  await redis.flushdb();
  const store = new OutboxStore(redis);
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  // Each worker has its own WebClient, as separate processes would: pacing must hold across them.
  const workers: Worker[] = Array.from({ length: options.workers ?? 1 }, () => {
    const client = new WebClient(token, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    const worker = createOutboxWorker({
      connection: redis,
      logger,
      flush: createOutboxSender({ client, store, logger, redis, admins: options.admins ?? ['U0ADMIN'], haltProbeMs: options.haltProbeMs ?? 500 }),
    });
    void worker.run();
    return worker;
  });
  return {
    slack,
    redis,
    store,
    token,
    logs,
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await store.close();
      redis.disconnect();
      await slack.close();
    },
  };
}
