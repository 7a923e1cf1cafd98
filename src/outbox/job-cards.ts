import type { JobCards } from '../core/home/ports.ts';
import type { OutboxStore } from './outbox-store.ts';

/**
 * A job's card and thread as the outbox holds them: the same card the channel shows, linked by
 * its thread (a card posted again after a delete lives in the thread of the first one).
 */
export function outboxJobCards(store: OutboxStore): JobCards {
  return {
    async cardOf(jobId) {
      const { card, thread } = await store.snapshot(jobId);
      return { ...(card && { card }), ...(thread?.threadTs && { thread: { channelId: thread.channelId, ts: thread.threadTs } }) };
    },
  };
}
