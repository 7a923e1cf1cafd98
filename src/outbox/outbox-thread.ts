import type { JobCard } from '../core/card.ts';

// The thread record: where one outbox thread stands with Slack, as OutboxStore keeps it in a
// Redis hash (every value a string) and hands it to the sender.

/** Where one outbox thread stands with Slack. Times are epoch milliseconds. */
export interface ThreadRef {
  channelId: string;
  teamId: string;
  /** Who asked: where the card goes when its channel refuses it (`system` for scheduled jobs). */
  requesterId?: string;
  /** The command's response_url: the way to reach the requester if the channel refuses the bot. */
  responseUrl?: string;
  /** When the command or click arrived: a response_url works for 30 minutes from then. */
  openedAt?: number;
  /** Posts the bot made through {@link responseUrl} (Slack allows 5). */
  responseUrlUses: number;
  /** The card's message ts. */
  ts?: string;
  /** Where replies go: the card's ts, or the thread of a card that was deleted and posted again. */
  threadTs?: string;
  /** Set just before the card is posted, cleared once its ts is saved: if found, the outcome is unknown. */
  postingSince?: number;
  /** Fresh cards posted because the old one was deleted or could not be edited. */
  reposts: number;
  /** How simply the card is drawn after Slack refused it (0 = the full card). */
  level: number;
  /** How simply the first pending reply is drawn after Slack refused it. */
  headLevel: number;
  /** Failed Slack calls in a row: each one waits longer before the next. */
  strikes: number;
  /** No Slack call for this thread before this time. */
  retryAt?: number;
  /** A slot reserved in the pace of `slotScope` (a channel's posts, a method): the call goes then. */
  slotAt?: number;
  slotScope?: string;
  /** Why the channel refused the card; the thread then continues in {@link forward}. */
  rerouted?: string;
  /** Outbox ids of the direct-message threads that carry this job's card and replies instead. */
  forward?: string[];
  /** Card version already passed on to {@link forward}. */
  relayedVersion: number;
  /** A direct-message thread made by a reroute (it is never rerouted again). */
  direct?: boolean;
  /** Why sending stopped for good (logged); nothing more is sent for this thread. */
  gaveUp?: string;
}

export interface OutboxSnapshot {
  thread: ThreadRef | undefined;
  card: JobCard | undefined;
  cardVersion: number;
  sentVersion: number;
}

/** Fields of the thread record the sender changes; `undefined` removes one. */
export type ThreadChange = { [K in Exclude<keyof ThreadRef, 'forward'>]?: ThreadRef[K] | undefined } & { forward?: string[] };

const numberFields = new Set([
  'openedAt',
  'responseUrlUses',
  'postingSince',
  'reposts',
  'level',
  'headLevel',
  'strikes',
  'retryAt',
  'slotAt',
  'relayedVersion',
]);

export function parseThread(h: Record<string, string>): ThreadRef | undefined {
  if (!h.channelId) return undefined;
  const num = (k: string) => (h[k] !== undefined ? Number(h[k]) : undefined);
  return {
    channelId: h.channelId,
    teamId: h.teamId ?? '',
    ...(h.requesterId && { requesterId: h.requesterId }),
    ...(h.responseUrl && { responseUrl: h.responseUrl }),
    ...(h.openedAt && { openedAt: num('openedAt')! }),
    responseUrlUses: num('responseUrlUses') ?? 0,
    ...(h.ts && { ts: h.ts }),
    ...((h.threadTs ?? h.ts) && { threadTs: h.threadTs ?? h.ts! }),
    ...(h.postingSince && { postingSince: num('postingSince')! }),
    reposts: num('reposts') ?? 0,
    level: num('level') ?? 0,
    headLevel: num('headLevel') ?? 0,
    strikes: num('strikes') ?? 0,
    ...(h.retryAt && { retryAt: num('retryAt')! }),
    ...(h.slotAt && { slotAt: num('slotAt')! }),
    ...(h.slotScope && { slotScope: h.slotScope }),
    ...(h.rerouted && { rerouted: h.rerouted }),
    ...(h.forward && { forward: JSON.parse(h.forward) as string[] }),
    relayedVersion: num('relayedVersion') ?? 0,
    ...(h.direct === '1' && { direct: true }),
    ...(h.gaveUp && { gaveUp: h.gaveUp }),
  };
}

/** Whether `field` is a number in the thread record, so one the store may count up. */
export function isCounter(field: string): boolean {
  return numberFields.has(field);
}

/** A change as the hash takes it: the fields to set, as strings, and the ones to remove. */
export function encodeChange(change: ThreadChange): { set: Record<string, string>; del: string[] } {
  const set: Record<string, string> = {};
  const del: string[] = [];
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) del.push(k);
    else set[k] = k === 'forward' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return { set, del };
}
