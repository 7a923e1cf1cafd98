import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobLockLostError, type JobContext, type JobHandler } from '../core/job-context.ts';
import type { JobDataByKind, JobKind } from '../core/job-queue.ts';
import { jobAttempts } from './bullmq-job-queue.ts';
import { defaultKeyPrefix, QueueName } from './names.ts';

export interface JobWorkerOptions {
  connection: Redis;
  /** The handler of each kind the worker runs (`createJobHandlers`); a job of another kind fails at once. */
  handlers: { [K in JobKind]?: JobHandler<JobDataByKind[K]> };
  logger: Logger;
  concurrency: number;
  lockDurationMs: number;
  /** Redis key prefix of the install (CHATOPS_REDIS_PREFIX). @defaultValue `chatops` */
  prefix?: string;
}

/**
 * Runs the handlers in `jobs/` for the jobs queue. A handler that waits calls
 * `ctx.wakeAfter`, which moves the job to the delayed set: a worker can follow hundreds of
 * builds because none of them holds a slot while it waits.
 */
export function createJobWorker(options: JobWorkerOptions): Worker {
  const { logger } = options;
  const worker = new Worker(
    QueueName.Jobs,
    async (job: Job, token?: string) => {
      // The data comes from Redis as the kind's producer stored it: its handler is the one to judge it.
      const handler = options.handlers[job.name as JobKind] as JobHandler<unknown> | undefined;
      if (!handler) throw new UnrecoverableError(`No handler for job kind "${job.name}"`);
      const log = logger.child({ jobId: job.id, kind: job.name });
      const ctx: JobContext<unknown> = {
        id: job.id!,
        data: job.data,
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? jobAttempts,
        log,
        save: (data) => job.updateData(data),
        wakeAfter: async (ms) => {
          await job.moveToDelayed(Date.now() + ms, token);
          throw new DelayedError();
        },
        keepLock: async () => {
          // 0 when the lock is gone or holds another worker's token (BullMQ's extendLock script).
          const held = token !== undefined && (await job.extendLock(token, options.lockDurationMs)) === 1;
          if (!held) throw new JobLockLostError(job.id!);
        },
      };
      try {
        await handler(ctx);
      } catch (err) {
        // BullMQ will fail to finish this run (its lock is gone) and leave the job to its new owner.
        if (err instanceof JobLockLostError) log.warn('lost the job to another worker after a stall; stopped without acting');
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? defaultKeyPrefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      // Handlers resume from saved steps, so a job that stalled (its worker died) is safe to run again.
      maxStalledCount: 5,
      autorun: false,
    },
  );
  worker.on('failed', (job, err) => {
    logger.warn({ jobId: job?.id, kind: job?.name, attemptsMade: job?.attemptsMade, err: { name: err.name, message: err.message } }, 'job attempt failed');
  });
  worker.on('error', (err) => logger.error({ err: { name: err.name, message: err.message } }, 'job worker error'));
  return worker;
}
