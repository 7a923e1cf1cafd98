import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CardDelivery, CardTarget, JobCard, ThreadMessage } from '../core/card.ts';
import { defaultKeyPrefix, QueueName } from '../queue/names.ts';
import { encodeChange, isCounter, parseThread, type OutboxSnapshot, type ThreadChange, type ThreadRef } from './outbox-thread.ts';

/** Per-job outbox state kept until the thread is quiet for this long. */
const ttlSeconds = 14 * 24 * 3600;
/** A thread reply bigger than this is cut (a whole build log attached as a file, at most). */
const maxMessageBytes = 8 * 1024 * 1024;

/**
 * What the outbox itself queues besides a job's own replies: the continuation pages of a card
 * too long for one message, already drawn as Block Kit by the Slack layer.
 */
export type OutboxMessage = ThreadMessage | { kind: 'page'; text: string; blocks: unknown[] };

/**
 * How long a card not yet posted holds back its channel's log batches (see {@link cardsWaiting}):
 * long enough for any queue of cards to drain, short enough that a card that never posts
 * (a crash, a refusal) does not hold them back for good.
 */
const cardWaitMs = 10 * 60_000;

/** KEYS: thread, card, the channel's waiting cards. ARGV: channelId, teamId, responseUrl, card JSON, ttl seconds, requesterId, now ms, job id. */
const openScript = `
if redis.call('HSETNX', KEYS[1], 'channelId', ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[3], ARGV[7], ARGV[8])
  redis.call('PEXPIRE', KEYS[3], ${cardWaitMs})
end
redis.call('HSETNX', KEYS[1], 'teamId', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'responseUrl', ARGV[3]) end
redis.call('HSETNX', KEYS[1], 'requesterId', ARGV[6])
redis.call('HSETNX', KEYS[1], 'openedAt', ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('HSETNX', KEYS[2], 'card', ARGV[4])
redis.call('HSETNX', KEYS[2], 'version', 1)
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1`;

/**
 * Durable, per-job outbox in Redis. Cards are stored as "latest version wins" (so ten
 * updates while Slack is busy become one `chat.update`), thread replies as an ordered list. A
 * flush job per job id (BullMQ deduplication with keepLastIfActive) sends them: one sender per
 * thread at a time, so replies keep their order. The thread record says where the thread stands
 * with Slack, so any worker can pick it up after a crash.
 */
export class OutboxStore {
  readonly #redis: Redis;
  readonly queue: Queue;
  readonly #prefix: string;

  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#prefix = prefix;
    if (!('chatopsOutboxOpen' in redis)) redis.defineCommand('chatopsOutboxOpen', { numberOfKeys: 3, lua: openScript });
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

  #waitingCards(channelId: string): string {
    return `${this.#prefix}:outbox:channel:${channelId}:waiting-cards`;
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
      this.#waitingCards(target.channelId),
      target.channelId,
      target.teamId,
      target.responseUrl ?? '',
      JSON.stringify(card),
      ttlSeconds,
      card.requesterId,
      Date.now(),
      jobId,
    );
  }

  /**
   * Cards opened in `channelId` and not yet posted there (from the last few minutes): while there
   * are any, the channel's log batches wait, so new cards go first.
   */
  async cardsWaiting(channelId: string): Promise<number> {
    return this.#redis.zcount(this.#waitingCards(channelId), Date.now() - cardWaitMs, '+inf');
  }

  /** The card no longer waits in `channelIds` (it was posted, or went elsewhere). */
  async cardSettled(jobId: string, ...channelIds: string[]): Promise<void> {
    const tx = this.#redis.multi();
    for (const c of new Set(channelIds)) tx.zrem(this.#waitingCards(c), jobId);
    await tx.exec();
  }

  async putCard(card: JobCard): Promise<void> {
    await this.#writeCard(card.jobId, card);
    await this.requestFlush(card.jobId, { urgent: true });
  }

  async #writeCard(jobId: string, card: JobCard): Promise<void> {
    const key = this.#key(jobId, 'card');
    const tx = this.#redis.multi();
    tx.hincrby(key, 'version', 1);
    tx.hset(key, 'card', JSON.stringify(card));
    tx.expire(key, ttlSeconds);
    await tx.exec();
  }

  async pushMessage(jobId: string, message: ThreadMessage): Promise<void> {
    await this.appendMessages(jobId, [serialize(message)]);
    // A log batch can wait for a quiet moment in the channel; anything else is sent as soon as it may.
    await this.requestFlush(jobId, { urgent: !(message.kind === 'log' && message.live) });
  }

  /** Appends already serialised messages (see {@link takeMessages}). */
  async appendMessages(jobId: string, json: readonly string[]): Promise<void> {
    if (json.length === 0) return;
    const tx = this.#redis.multi();
    tx.rpush(this.#key(jobId, 'msgs'), ...json);
    tx.expire(this.#key(jobId, 'msgs'), ttlSeconds);
    await tx.exec();
  }

  /** Puts messages in front of the pending ones (a card's continuation pages go first). */
  async prependMessages(jobId: string, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const tx = this.#redis.multi();
    tx.lpush(this.#key(jobId, 'msgs'), ...messages.map(serialize).reverse());
    tx.expire(this.#key(jobId, 'msgs'), ttlSeconds);
    await tx.exec();
  }

  /**
   * Asks for a flush of the job's thread. `urgent` (cards, milestones, errors) also wakes a flush
   * that is waiting for its turn in a busy channel; a log batch does not.
   */
  async requestFlush(jobId: string, options: { urgent?: boolean } = { urgent: true }): Promise<void> {
    await this.queue.add('flush', { jobId }, { deduplication: { id: jobId, keepLastIfActive: true, ...(options.urgent && { reschedule: true }) } });
  }

  async snapshot(jobId: string): Promise<OutboxSnapshot> {
    const [thread, card] = await Promise.all([this.#redis.hgetall(this.#key(jobId, 'thread')), this.#redis.hgetall(this.#key(jobId, 'card'))]);
    return {
      thread: parseThread(thread),
      card: card.card ? (JSON.parse(card.card) as JobCard) : undefined,
      cardVersion: Number(card.version ?? 0),
      sentVersion: Number(card.sent ?? 0),
    };
  }

  async thread(jobId: string): Promise<ThreadRef | undefined> {
    return parseThread(await this.#redis.hgetall(this.#key(jobId, 'thread')));
  }

  /** Changes the thread record: set fields, remove the ones given as `undefined`. */
  async update(jobId: string, change: ThreadChange): Promise<void> {
    const { set, del } = encodeChange(change);
    const tx = this.#redis.multi();
    if (Object.keys(set).length > 0) tx.hset(this.#key(jobId, 'thread'), set);
    if (del.length > 0) tx.hdel(this.#key(jobId, 'thread'), ...del);
    await tx.exec();
  }

  /** Adds to counters of the thread record (strikes, reposts, response_url uses). */
  async increment(jobId: string, field: 'strikes' | 'reposts' | 'responseUrlUses' | 'level' | 'headLevel', by = 1): Promise<number> {
    if (!isCounter(field)) throw new RangeError(field);
    return this.#redis.hincrby(this.#key(jobId, 'thread'), field, by);
  }

  async markCardSent(jobId: string, version: number): Promise<void> {
    await this.#redis.hset(this.#key(jobId, 'card'), 'sent', version);
  }

  /** The first `count` pending messages, oldest first. */
  async peekMessages(jobId: string, count: number): Promise<OutboxMessage[]> {
    const json = await this.#redis.lrange(this.#key(jobId, 'msgs'), 0, count - 1);
    return json.map((j) => JSON.parse(j) as OutboxMessage);
  }

  /** Removes the first `count` pending messages (the ones just sent). */
  async dropMessages(jobId: string, count = 1): Promise<void> {
    if (count > 0) await this.#redis.lpop(this.#key(jobId, 'msgs'), count);
  }

  /** Every pending message, serialised (to pass them on to other threads; see {@link appendMessages}). */
  async pendingJson(jobId: string): Promise<string[]> {
    return this.#redis.lrange(this.#key(jobId, 'msgs'), 0, -1);
  }

  async pendingMessages(jobId: string): Promise<number> {
    return this.#redis.llen(this.#key(jobId, 'msgs'));
  }

  /**
   * Opens the direct-message threads that carry a job on when its channel refused it, and
   * records them on the job's thread: from now on its card and replies are passed on to them.
   */
  async forward(
    jobId: string,
    reason: string,
    targets: readonly { outboxId: string; userId: string; note: ThreadMessage }[],
    card: JobCard,
    teamId: string,
  ): Promise<void> {
    for (const t of targets) {
      await this.open(t.outboxId, { channelId: t.userId, teamId }, card);
      await this.update(t.outboxId, { direct: true, requesterId: t.userId });
      await this.appendMessages(t.outboxId, [serialize(t.note)]);
    }
    await this.update(jobId, { rerouted: reason, forward: targets.map((t) => t.outboxId) });
  }

  /** Passes a card version on to a forwarded thread. */
  async relayCard(jobId: string, card: JobCard): Promise<void> {
    await this.#writeCard(jobId, card);
  }

  /** Where the job's card stands with Slack (see {@link CardDelivery}). */
  async deliveryOf(jobId: string): Promise<CardDelivery> {
    const [ts, rerouted] = await this.#redis.hmget(this.#key(jobId, 'thread'), 'ts', 'rerouted');
    return rerouted ? 'rerouted' : ts ? 'delivered' : 'pending';
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** A message as stored; a file bigger than the outbox holds keeps its end (where a log says how it finished). */
function serialize(message: OutboxMessage): string {
  const json = JSON.stringify(message);
  if (json.length > maxMessageBytes && message.kind === 'file')
    return JSON.stringify({ ...message, content: message.content.slice(-(maxMessageBytes - 1024)) });
  return json;
}
