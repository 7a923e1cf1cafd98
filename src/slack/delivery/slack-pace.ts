import type { Pace } from '../../outbox/pacer.ts';

/**
 * The rates the outbox plans with (docs.slack.dev/apis/web-api/rate-limits). Slack publishes
 * rates but no burst sizes; when these guesses are too generous Slack answers 429 with
 * Retry-After, and the pace of that channel or method is pushed back by that much.
 */
export const slackPace = {
  /** chat.postMessage: "one message per second per channel", "short bursts >1 allowed". */
  postPerChannel: { intervalMs: 1000, burst: 10 },
  /** chat.update is Tier 3 for the whole workspace: "50+ per minute … Sporadic bursts are welcome". */
  update: { intervalMs: 1200, burst: 50 },
  /** conversations.history / .replies: Tier 3 as well. */
  history: { intervalMs: 1200, burst: 10 },
} as const satisfies Record<string, Pace>;

/**
 * Share of a burst that log batches and intermediate card states may use. The rest is kept for
 * new cards and final states, which reserve a slot however far ahead it is.
 */
export const lowPriorityShare = 0.5;

/** Pace scopes in the shared Pacer. */
export const paceScope = {
  post: (channel: string) => `post:${channel}`,
  method: (method: string) => `method:${method}`,
};
