import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CardTarget, JobCard, ThreadMessage } from '../core/card.ts';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';

/** Per-job outbox state kept until the thread is quiet for this long. */
const ttlSeconds = 14 * 24 * 3600;
/** A thread reply bigger than this is cut (a whole build log attached as a file, at most). */
const maxMessageBytes = 8 * 1024 * 1024;

/** KEYS: thread, card. ARGV: channelId, teamId, responseUrl, card JSON, ttl seconds. */
const openScript = `
redis.call('HSETNX', KEYS[1], 'channelId', ARGV[1])
redis.call('HSETNX', KEYS[1], 'teamId', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'responseUrl', ARGV[3]) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('HSETNX', KEYS[2], 'card', ARGV[4])
redis.call('HSETNX', KEYS[2], 'version', 1)
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1`;

export interface ThreadRef {
  channelId: string;
  teamId: string;
  /** The card's message ts: the thread everything else replies in. */
  ts?: string;
  /** Set when posting the card failed for good (e.g. the bot is not in the channel). */
  broken?: string;
  /** The command's response_url: the way to reach the requester if the channel refuses the bot. */
  responseUrl?: string;
}

export interface OutboxSnapshot {
  thread: ThreadRef | undefined;
  card: JobCard | undefined;
  cardVersion: number;
  sentVersion: number;
}

/**
 * Durable, per-job outbox in Redis. Cards are stored as "latest version wins" (so ten
 * updates while Slack is rate-limiting become one `chat.update`), thread replies as an
 * ordered list. A flush job per job id (BullMQ deduplication with keepLastIfActive) sends
 * them: one sender per thread at a time, so replies keep their order.
 */
export class OutboxStore {
  readonly #redis: Redis;
  readonly queue: Queue;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
    if (!('chatopsOutboxOpen' in redis)) redis.defineCommand('chatopsOutboxOpen', { numberOfKeys: 2, lua: openScript });
    this.queue = new Queue(QueueName.SlackOutbox, {
      connection: redis,
      prefix,
      skipWaitingForReady: true,
      defaultJobOptions: {
        // Slack being down for hours must not lose the final state: retry with a capped backoff.
        attempts: 1000,
        backoff: { type: 'capped' },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
  }

  #key(jobId: string, part: 'thread' | 'card' | 'msgs'): string {
    return `${this.#prefix}:outbox:${jobId}:${part}`;
  }

  /**
   * Records where the job's card goes and its first version, in one round trip. Only
   * HSETNX, so a resent Slack request cannot reset a card the job has already moved on.
   * The caller requests the flush (see {@link requestFlush}) once the job is queued too.
   */
  async open(jobId: string, target: CardTarget & { responseUrl?: string }, card: JobCard): Promise<void> {
    // One script (EVALSHA) instead of a MULTI: this runs on the ack path, where every command costs.
    await (this.#redis as Redis & { chatopsOutboxOpen: (...args: (string | number)[]) => Promise<unknown> }).chatopsOutboxOpen(
      this.#key(jobId, 'thread'),
      this.#key(jobId, 'card'),
      target.channelId,
      target.teamId,
      target.responseUrl ?? '',
      JSON.stringify(card),
      ttlSeconds,
    );
  }

  async putCard(card: JobCard): Promise<void> {
    const key = this.#key(card.jobId, 'card');
    const tx = this.#redis.multi();
    tx.hincrby(key, 'version', 1);
    tx.hset(key, 'card', JSON.stringify(card));
    tx.expire(key, ttlSeconds);
    await tx.exec();
    await this.requestFlush(card.jobId);
  }

  async pushMessage(jobId: string, message: ThreadMessage): Promise<void> {
    let json = JSON.stringify(message);
    if (json.length > maxMessageBytes && message.kind === 'file') {
      json = JSON.stringify({ ...message, content: `${message.content.slice(-(maxMessageBytes - 1024))}` });
    }
    const tx = this.#redis.multi();
    tx.rpush(this.#key(jobId, 'msgs'), json);
    tx.expire(this.#key(jobId, 'msgs'), ttlSeconds);
    await tx.exec();
    await this.requestFlush(jobId);
  }

  async requestFlush(jobId: string): Promise<void> {
    await this.queue.add('flush', { jobId }, { deduplication: { id: jobId, keepLastIfActive: true } });
  }

  async snapshot(jobId: string): Promise<OutboxSnapshot> {
    const [thread, card] = await Promise.all([
      this.#redis.hgetall(this.#key(jobId, 'thread')),
      this.#redis.hgetall(this.#key(jobId, 'card')),
    ]);
    return {
      thread: thread.channelId
        ? {
            channelId: thread.channelId,
            teamId: thread.teamId ?? '',
            ...(thread.ts && { ts: thread.ts }),
            ...(thread.broken && { broken: thread.broken }),
            ...(thread.responseUrl && { responseUrl: thread.responseUrl }),
          }
        : undefined,
      card: card.card ? (JSON.parse(card.card) as JobCard) : undefined,
      cardVersion: Number(card.version ?? 0),
      sentVersion: Number(card.sent ?? 0),
    };
  }

  async thread(jobId: string): Promise<ThreadRef | undefined> {
    return (await this.snapshot(jobId)).thread;
  }

  async setThreadTs(jobId: string, ts: string): Promise<void> {
    await this.#redis.hset(this.#key(jobId, 'thread'), 'ts', ts);
  }

  async markBroken(jobId: string, reason: string): Promise<void> {
    await this.#redis.hset(this.#key(jobId, 'thread'), 'broken', reason);
  }

  async markCardSent(jobId: string, version: number): Promise<void> {
    await this.#redis.hset(this.#key(jobId, 'card'), 'sent', version);
  }

  async peekMessage(jobId: string): Promise<ThreadMessage | undefined> {
    const json = await this.#redis.lindex(this.#key(jobId, 'msgs'), 0);
    return json ? (JSON.parse(json) as ThreadMessage) : undefined;
  }

  async dropMessage(jobId: string): Promise<void> {
    await this.#redis.lpop(this.#key(jobId, 'msgs'));
  }

  async pendingMessages(jobId: string): Promise<number> {
    return this.#redis.llen(this.#key(jobId, 'msgs'));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
