import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseCursor, type WatchCursor } from '../core/task-watch/cursor.ts';
import type { TaskWatchJobData, TaskWatchStore, WatchSchedules } from '../core/task-watch/ports.ts';
import type { TaskSubscription } from '../core/task-watch/watched-tasks.ts';
import { defaultKeyPrefix } from './names.ts';

/** Subscriptions, cursors and look gates of the task watcher, under the install's prefix. */
export class RedisTaskWatchStore implements TaskWatchStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #subs(): string {
    return `${this.#prefix}:task-watch:subscriptions`;
  }

  #field(environment: string, task: string): string {
    return `${environment}/${task.toLowerCase()}`;
  }

  async subscriptions(): Promise<TaskSubscription[]> {
    const all = await this.#redis.hgetall(this.#subs());
    return Object.values(all).flatMap((v) => {
      try {
        return [JSON.parse(v) as TaskSubscription];
      } catch {
        return [];
      }
    });
  }

  async subscribe(subscription: TaskSubscription): Promise<'added' | 'updated'> {
    const added = await this.#redis.hset(this.#subs(), this.#field(subscription.environment, subscription.task), JSON.stringify(subscription));
    return added === 1 ? 'added' : 'updated';
  }

  async unsubscribe(environment: string, task: string): Promise<TaskSubscription | undefined> {
    const field = this.#field(environment, task);
    const [[, stored], [, removed]] = (await this.#redis.multi().hget(this.#subs(), field).hdel(this.#subs(), field).exec()) as [
      [null, string | null],
      [null, number],
    ];
    return removed === 1 && stored ? (JSON.parse(stored) as TaskSubscription) : undefined;
  }

  async cursor(registryKey: string): Promise<WatchCursor> {
    return parseCursor(await this.#redis.get(`${this.#prefix}:task-watch:cursor:${registryKey}`));
  }

  async saveCursor(registryKey: string, cursor: WatchCursor): Promise<void> {
    await this.#redis.set(`${this.#prefix}:task-watch:cursor:${registryKey}`, JSON.stringify(cursor));
  }

  async dropCursor(registryKey: string): Promise<void> {
    await this.#redis.del(`${this.#prefix}:task-watch:cursor:${registryKey}`);
  }

  async claimLook(registryKey: string, everyMs: number, at: Date): Promise<boolean> {
    const slot = Math.floor(at.getTime() / everyMs);
    return (await this.#redis.set(`${this.#prefix}:task-watch:look:${registryKey}:${slot}`, String(at.getTime()), 'PX', everyMs * 2, 'NX')) === 'OK';
  }
}

/** Scheduler ids are BullMQ job-id material: no ':' (its key separator), so a hash of the key. */
const SCHEDULER_PREFIX = 'task-watch-';
export function watchSchedulerId(registryKey: string): string {
  return `${SCHEDULER_PREFIX}${createHash('sha256').update(registryKey).digest('hex').slice(0, 24)}`;
}

/**
 * The watcher's BullMQ job schedulers on the jobs queue: `upsertJobScheduler` is idempotent by
 * id, and BullMQ derives each tick's job id from the scheduler and the time, so every instance
 * may ensure the same scheduler and there is still one look per tick (as with the expiry scan).
 */
export class BullWatchSchedules implements WatchSchedules {
  readonly #queue: Queue;
  readonly #everyMs: number;
  constructor(queue: Queue, everyMs: number) {
    this.#queue = queue;
    this.#everyMs = everyMs;
  }

  async ensure(registryKey: string): Promise<void> {
    const data: TaskWatchJobData = { jobId: '', registryKey };
    await this.#queue.upsertJobScheduler(
      watchSchedulerId(registryKey),
      { every: this.#everyMs },
      {
        name: 'task-watch',
        data,
        // A failed look is not retried: the next tick is the retry, and ARM sees one call per tick.
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 50 } },
      },
    );
  }

  async remove(registryKey: string): Promise<void> {
    await this.#queue.removeJobScheduler(watchSchedulerId(registryKey));
  }

  async keys(): Promise<string[]> {
    const schedulers = await this.#queue.getJobSchedulers(0, -1);
    return schedulers.filter((s) => s.key.startsWith(SCHEDULER_PREFIX) && s.template?.data).map((s) => (s.template!.data as TaskWatchJobData).registryKey);
  }
}
