import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { HomeRefresh } from '../core/home/ports.ts';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';

/** Job names of the App Home queue. */
export const HomeJobName = {
  /** Publish one person's Home (data: `{ userId }`). */
  User: 'home',
  /** Ask for every recent viewer's Home. */
  Everyone: 'home-everyone',
} as const;

const options = {
  // One job per person (or one fan-out) at a time, plus one follow-up when asked while it runs:
  // any number of changes in between become one publish of the latest state.
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
};

/** {@link HomeRefresh} through the App Home queue; the worker role publishes (see home-worker.ts). */
export class HomeRefreshQueue implements HomeRefresh {
  readonly queue: Queue;
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.queue = new Queue(QueueName.SlackHome, { connection: redis, prefix, skipWaitingForReady: true });
  }
  async user(userId: string): Promise<void> {
    await this.queue.add(HomeJobName.User, { userId }, { ...options, deduplication: { id: `home-${userId}`, keepLastIfActive: true } });
  }
  async everyone(): Promise<void> {
    await this.queue.add(HomeJobName.Everyone, {}, { ...options, deduplication: { id: 'home-everyone', keepLastIfActive: true } });
  }
  close(): Promise<void> {
    return this.queue.close();
  }
}
