import type { Logger } from 'pino';

/**
 * What a job handler gets from the queue, without depending on BullMQ: the data, a way to
 * persist progress, and a durable "come back later" that frees the worker slot meanwhile.
 */
export interface JobContext<T> {
  readonly id: string;
  readonly data: T;
  /** How many times this job already failed and was retried. */
  readonly attemptsMade: number;
  /** Attempts allowed before a failure is final. */
  readonly maxAttempts: number;
  readonly log: Logger;
  /** Persists `data` (the step it reached) before the next side effect. */
  save(data: T): Promise<void>;
  /**
   * Re-queues the job to run again after `ms` and ends this run. Never returns normally:
   * callers `return ctx.wakeAfter(…)`.
   */
  wakeAfter(ms: number): Promise<never>;
  /**
   * Renews this run's hold on the job, or rejects with {@link JobLockLostError} when it no longer
   * has it: the worker stalled past its lock and another one is running the job now, so this run
   * must stop before it sends anything. The queue's worker implements it; test contexts may not.
   */
  keepLock?(): Promise<void>;
}

/** This run lost the job to another worker (see `JobContext.keepLock`); it must do nothing more. */
export class JobLockLostError extends Error {
  override name = 'JobLockLostError';
  constructor(jobId: string) {
    super(`This worker no longer holds job ${jobId}: another worker took it over after this one stalled.`);
  }
}

export type JobHandler<T> = (ctx: JobContext<T>) => Promise<void>;
