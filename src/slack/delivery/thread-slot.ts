import type { ThreadRef } from '../../outbox/outbox-thread.ts';
import type { Pace } from '../../outbox/pacer.ts';
import { RetryLaterError } from '../../outbox/retry-later.ts';
import type { ThreadFlushDeps } from './thread-deps.ts';
import { lowPriorityShare, paceScope, slackPace } from './slack-pace.ts';

/** What one pass of a thread's flush does next. */
export type Step = 'lookup' | 'post-card' | 'update-card' | 'messages';

/** A Slack call's place in a shared pace. */
export interface Paced {
  scope: string;
  pace: Pace;
}

export type Slot = (id: string, t: ThreadRef, paced: Paced, urgent: boolean) => Promise<number>;

/** The pace a step's Slack call counts against. */
export function pacedBy(step: Step, t: ThreadRef): Paced {
  if (step === 'update-card') return { scope: paceScope.method('chat.update'), pace: slackPace.update };
  if (step === 'lookup') return { scope: paceScope.method('conversations.history'), pace: slackPace.history };
  return { scope: paceScope.post(t.channelId), pace: slackPace.postPerChannel };
}

/** A wait with some spread (up to half again, at most 2 s), so threads told the same thing do not wake together. */
export function spread(ms: number): number {
  return Math.ceil(ms + Math.random() * Math.min(ms / 2, 2000));
}

/**
 * A slot in the pace of `scope`: a reserved one (new cards, final states) is waited for
 * durably, and kept across the wait so waking up never reserves again; a free-only one (logs,
 * intermediate states) is taken or not. Resolves to 0 when the call may go now, else to how far
 * behind the scope is.
 */
export function createSlot(deps: Pick<ThreadFlushDeps, 'store' | 'pacer' | 'now'>): Slot {
  const { store, pacer } = deps;
  return async function slot(id, t, { scope, pace }, urgent) {
    if (t.slotAt !== undefined && t.slotScope === scope) {
      const wait = t.slotAt - deps.now();
      if (wait > 50) throw new RetryLaterError(wait);
      await store.update(id, { slotAt: undefined, slotScope: undefined });
      return 0;
    }
    if (urgent) {
      const wait = await pacer.reserve(scope, pace);
      if (wait > 50) {
        await store.update(id, { slotAt: deps.now() + wait, slotScope: scope });
        throw new RetryLaterError(wait);
      }
      return 0;
    }
    // New cards waiting for this channel go before any log batch, even before they reserved a slot.
    if (scope === paceScope.post(t.channelId)) {
      const cards = await store.cardsWaiting(t.channelId);
      if (cards > 0) return cards * pace.intervalMs;
    }
    return pacer.tryNow(scope, pace, lowPriorityShare);
  };
}
