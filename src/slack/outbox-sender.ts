import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { Pacer } from '../outbox/pacer.ts';
import { SlackHaltState } from './delivery/delivery-health.ts';
import { createThreadFlush } from './delivery/thread-flush.ts';
import { ResponseUrlReplies } from './response-url-replies.ts';

export interface OutboxSenderOptions {
  /**
   * A WebClient built with `rejectRateLimitedCalls: true` and no retries of its own: 429s come
   * back to the outbox, and a post whose answer was lost is looked up before it is sent again.
   */
  client: WebClient;
  store: OutboxStore;
  /** The Redis the pace of every channel and the halt state are shared in. */
  redis: Redis;
  /** Redis key prefix of the install (the pace and halt keys go under it). @defaultValue `chatops` */
  prefix?: string;
  logger: Logger;
  /** Who gets a scheduled job's card (an expiry alert) when its channel refuses it. */
  admins: readonly string[];
  /** How often a halted outbox checks whether the bot token works again (default 30 s). */
  haltProbeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The outbox worker's `flush`: sends one outbox thread's pending Slack writes. */
export function createOutboxSender(options: OutboxSenderOptions): (outboxId: string) => Promise<void> {
  return createThreadFlush({
    client: options.client,
    store: options.store,
    pacer: new Pacer(options.redis, options.prefix),
    halt: new SlackHaltState(options.redis, options.prefix),
    responseUrls: new ResponseUrlReplies(options.fetch),
    logger: options.logger,
    admins: options.admins,
    haltProbeMs: options.haltProbeMs ?? 30_000,
    now: options.now ?? Date.now,
  });
}
