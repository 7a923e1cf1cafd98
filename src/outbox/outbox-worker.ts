import { DelayedError, type Job, RateLimitError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';
import { HomeJobName } from './home-refresh-queue.ts';
import { RetryLaterError } from './retry-later.ts';

/** Slack being down is retried every minute at most, for as long as the attempts last (~16 h). */
const maxBackoffMs = 60_000;

export interface OutboxWorkerOptions {
  connection: Redis;
  /** Sends everything pending for one job's thread; throws RetryLaterError on rate limits. */
  flush: (jobId: string) => Promise<void>;
  logger: Logger;
  concurrency?: number;
  /** How long a dead process's flush stays locked before another takes it over. */
  lockDurationMs?: number;
  /** Redis key prefix of the install. @defaultValue `chatops` */
  prefix?: string;
  /** Publishes App Homes (`home` jobs); without it those jobs are dropped. */
  home?: HomeJobs;
}

/** What the outbox runs for the App Home. */
export interface HomeJobs {
  /** Publishes one person's Home now, or says how long to wait first (their last publish was too recent, or Slack said so). */
  publish(userId: string): Promise<{ retryInMs?: number }>;
  /** Asks for every recent viewer's Home. */
  everyone(): Promise<void>;
}

/**
 * Runs outbox flushes. A 429 from Slack pauses the whole outbox for `Retry-After` (Slack's
 * limits are per method and workspace, so other threads would hit it too); other failures
 * back off exponentially up to a minute and keep trying, so the final state always arrives.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): Worker {
  const worker: Worker = new Worker(
    QueueName.SlackOutbox,
    async (job: Job, token?: string) => {
      if (job.name === HomeJobName.Everyone) return options.home?.everyone();
      if (job.name === HomeJobName.User) {
        const { retryInMs } = (await options.home?.publish((job.data as { userId: string }).userId)) ?? {};
        if (retryInMs === undefined) return;
        // The same job waits (keeping its de-duplication), so whatever changes meanwhile is published once, then.
        await job.moveToDelayed(Date.now() + retryInMs, token);
        throw new DelayedError();
      }
      try {
        await options.flush(job.data.jobId);
      } catch (err) {
        if (err instanceof RetryLaterError) {
          options.logger.warn({ retryAfterMs: err.retryAfterMs }, 'Slack rate limit: pausing the outbox');
          await worker.rateLimit(err.retryAfterMs);
          throw new RateLimitError();
        }
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? defaultKeyPrefix,
      concurrency: options.concurrency ?? 8,
      autorun: false,
      // A flush that died with its process blocks its thread (one flush per thread at a time)
      // until the lock lapses, so this is how long a crash can delay a card.
      ...(options.lockDurationMs !== undefined && { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }),
      maxStalledCount: 10,
      settings: {
        backoffStrategy: (attemptsMade: number) => Math.min(maxBackoffMs, 500 * 2 ** Math.min(attemptsMade, 10)) * (0.8 + Math.random() * 0.4),
      },
    },
  );
  worker.on('failed', (job, err) => {
    options.logger.warn({ outboxJob: job?.data.jobId ?? job?.name, attemptsMade: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'Slack outbox send failed; will retry');
  });
  worker.on('error', (err) => options.logger.error({ err: { name: err.name, message: err.message } }, 'outbox worker error'));
  return worker;
}
