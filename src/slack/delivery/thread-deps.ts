import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import type { Pacer } from '../../outbox/pacer.ts';
import type { ResponseUrlReplies } from '../response-url-replies.ts';
import type { SlackHaltState } from './delivery-health.ts';

/** What flushing an outbox thread to Slack needs; each part of the flush takes what it uses. */
export interface ThreadFlushDeps {
  client: WebClient;
  store: OutboxStore;
  pacer: Pacer;
  halt: SlackHaltState;
  responseUrls: ResponseUrlReplies;
  logger: Logger;
  /** Who gets a scheduled job's card when its channel refuses it. */
  admins: readonly string[];
  /** How often a halted outbox asks Slack whether the token works again. */
  haltProbeMs: number;
  now: () => number;
}
