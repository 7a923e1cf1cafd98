import { PauseOutboxError, RetryLaterError } from '../../outbox/retry-later.ts';
import { createRerouter } from './reroute.ts';
import { classifySlackFailure } from './slack-error-policy.ts';
import type { ThreadFlushDeps } from './thread-deps.ts';
import { onFailure, passHaltGate } from './thread-failure.ts';
import { lookup, postCard, sendMessages, updateCard } from './thread-send.ts';
import { createSlot, spread, type Step } from './thread-slot.ts';

/** Slack calls one flush makes before it lets other threads go first. */
const maxCallsPerFlush = 20;

/**
 * Sends what is pending for one outbox thread, in order: the card (posted once, found again
 * rather than posted twice when an answer was lost), its latest version, then the replies.
 * Posts are paced per channel and card edits per workspace through the shared Pacer;
 * new cards and final states reserve their slot, log batches and intermediate states only take
 * a free one. Every Slack refusal goes through the policy table (slack-error-policy.ts).
 */
export function createThreadFlush(deps: ThreadFlushDeps): (outboxId: string) => Promise<void> {
  const { store } = deps;
  const { reroute, relay } = createRerouter(deps);
  const send = { ...deps, slot: createSlot(deps) };

  return async function flushThread(id) {
    await passHaltGate(deps);
    /** Steps that wait for a free slot in this run, with how far behind their scope is. */
    const waiting = new Map<Step, number>();
    for (let calls = 0; ; ) {
      const s = await store.snapshot(id);
      const t = s.thread;
      if (!t || t.gaveUp || !s.card) return;
      if (t.forward) return relay(id, s);
      const now = deps.now();
      if (t.retryAt !== undefined && t.retryAt > now) throw new RetryLaterError(t.retryAt - now);
      if (calls >= maxCallsPerFlush) return store.requestFlush(id);
      let step: Step | undefined;
      if (!t.ts) step = t.postingSince ? 'lookup' : 'post-card';
      else if (s.cardVersion > s.sentVersion && !waiting.has('update-card')) step = 'update-card';
      else if (!waiting.has('messages') && (await store.pendingMessages(id)) > 0) step = 'messages';
      if (!step) {
        if (waiting.size === 0) return;
        throw new RetryLaterError(spread(Math.min(...waiting.values())));
      }
      calls++;
      try {
        let behind = 0;
        if (step === 'lookup') await lookup(send, id, s);
        else if (step === 'post-card') await postCard(send, id, s);
        else if (step === 'update-card') behind = await updateCard(send, id, s);
        else behind = await sendMessages(send, id, s);
        if (behind > 0) {
          waiting.set(step, behind);
          calls--;
        } else if (t.strikes > 0) await store.update(id, { strikes: 0 });
      } catch (err) {
        if (err instanceof RetryLaterError || err instanceof PauseOutboxError) throw err;
        const failure = classifySlackFailure(err);
        if (!failure) throw err;
        await onFailure({ ...deps, reroute }, id, s, step, failure);
      }
    }
  };
}
