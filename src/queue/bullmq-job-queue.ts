import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueUnavailableError, QueueUnconfirmedError } from '../core/errors.ts';
import type { JobDataByKind, JobKind, JobQueue, JobState, StoredJob } from '../core/job-queue.ts';
import { defaultKeyPrefix, QueueName } from './names.ts';

/** Retries for transient Azure errors; polling uses delays, which don't count as attempts. */
export const jobAttempts = 5;

/** The producer side of the jobs queue. */
export class BullJobQueue implements JobQueue {
  readonly queue: Queue;
  readonly #timeoutMs: number;
  readonly #connection: Redis;

  constructor(connection: Redis, options: { timeoutMs?: number; prefix?: string } = {}) {
    this.#connection = connection;
    this.queue = new Queue(QueueName.Jobs, {
      connection,
      prefix: options.prefix ?? defaultKeyPrefix,
      skipWaitingForReady: true,
      defaultJobOptions: {
        attempts: jobAttempts,
        backoff: { type: 'exponential', delay: 2000, jitter: 0.3 },
        // Kept a week so `/ops job` can still answer; failures longer for post-mortems.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
    this.#timeoutMs = options.timeoutMs ?? 1500;
  }

  /**
   * @throws QueueUnavailableError when nothing was queued: the connection is down (the
   * producer connection has no offline queue, so nothing is sent) or Redis refused the add.
   * @throws QueueUnconfirmedError when the add was sent but not confirmed in time: Redis may
   * still run it, so the job may be queued.
   */
  async submit<K extends JobKind>(kind: K, jobId: string, data: JobDataByKind[K]): Promise<void> {
    if (this.#connection.status !== 'ready') throw new QueueUnavailableError();
    try {
      // An existing id makes this a no-op: that is a resent Slack request, already queued.
      await withTimeout(this.queue.add(kind, data, { jobId }), this.#timeoutMs);
    } catch (err) {
      // A reply error is Redis saying no (OOM, READONLY replica): the add did not happen.
      throw (err as Error).name === 'ReplyError' ? new QueueUnavailableError(err) : new QueueUnconfirmedError(jobId, err);
    }
  }

  async get(jobId: string): Promise<StoredJob | undefined> {
    const job = await this.queue.getJob(jobId);
    if (!job) return undefined;
    const state = (await job.getState()) as string;
    return {
      id: jobId,
      kind: job.name as JobKind,
      state: (['waiting', 'active', 'delayed', 'completed', 'failed'].includes(state) ? state : 'unknown') as JobState,
      data: job.data,
      ...(job.failedReason && { failedReason: job.failedReason }),
    };
  }

  async wake(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    // promote() refuses a job that is not delayed; the job then sees the change at its next step.
    await job?.promote().catch(() => {});
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
