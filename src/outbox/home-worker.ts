import { DelayedError, type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';
import { HomeJobName } from './home-refresh-queue.ts';

/** What the worker runs for the App Home. */
export interface HomeJobs {
  /** Publishes one person's Home now, or says how long to wait first (their last publish was too recent, or Slack said so). */
  publish(userId: string): Promise<{ retryInMs?: number }>;
  /** Asks for every recent viewer's Home. */
  everyone(): Promise<void>;
}

export interface HomeWorkerOptions {
  connection: Redis;
  home: HomeJobs;
  logger: Logger;
  concurrency?: number;
  lockDurationMs?: number;
  /** Redis key prefix of the install. @defaultValue `chatops` */
  prefix?: string;
}

/** Publishes App Homes, beside the outbox worker in the worker role. */
export function createHomeWorker(options: HomeWorkerOptions): Worker {
  const worker = new Worker(
    QueueName.SlackHome,
    async (job: Job, token?: string) => {
      if (job.name === HomeJobName.Everyone) return options.home.everyone();
      const { retryInMs } = await options.home.publish((job.data as { userId: string }).userId);
      if (retryInMs === undefined) return;
      // The same job waits (keeping its de-duplication), so whatever changes meanwhile is published once, then.
      await job.moveToDelayed(Date.now() + retryInMs, token);
      throw new DelayedError();
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? defaultKeyPrefix,
      concurrency: options.concurrency ?? 4,
      autorun: false,
      ...(options.lockDurationMs !== undefined && { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }),
    },
  );
  worker.on('failed', (job, err) => {
    options.logger.warn(
      { homeJob: job?.name, attemptsMade: job?.attemptsMade, err: { name: err.name, message: err.message } },
      'App Home publish failed; will retry',
    );
  });
  worker.on('error', (err) => options.logger.error({ err: { name: err.name, message: err.message } }, 'App Home worker error'));
  return worker;
}
