import { DelayedError, type Job, RateLimitError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';
import { PauseOutboxError, RetryLaterError } from './retry-later.ts';

/** Slack being down is retried every minute at most, for as long as the attempts last (~16 h). */
const maxBackoffMs = 60_000;

export interface OutboxWorkerOptions {
  connection: Redis;
  /** Sends what is pending for one outbox thread; throws RetryLaterError / PauseOutboxError to wait. */
  flush: (jobId: string) => Promise<void>;
  logger: Logger;
  concurrency?: number;
  /** How long a dead process's flush stays locked before another takes it over. */
  lockDurationMs?: number;
  /** Redis key prefix of the install. @defaultValue `chatops` */
  prefix?: string;
}

/**
 * Runs outbox flushes. A thread that must wait (a busy channel, Slack's Retry-After, a backoff)
 * moves to BullMQ's delayed set without holding a slot; a dead token pauses the whole outbox
 * for every worker. Unexpected failures back off up to a minute and keep trying, so the final
 * state always arrives.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): Worker {
  const worker: Worker = new Worker(
    QueueName.SlackOutbox,
    async (job: Job<{ jobId: string }>, token?: string) => {
      try {
        await options.flush(job.data.jobId);
      } catch (err) {
        if (err instanceof RetryLaterError) {
          await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
          throw new DelayedError();
        }
        if (err instanceof PauseOutboxError) {
          await worker.rateLimit(err.pauseMs);
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
    options.logger.warn(
      { outboxJob: job?.data.jobId, attemptsMade: job?.attemptsMade, err: { name: err.name, message: err.message } },
      'Slack outbox send failed; will retry',
    );
  });
  worker.on('error', (err) => options.logger.error({ err: { name: err.name, message: err.message } }, 'outbox worker error'));
  return worker;
}
