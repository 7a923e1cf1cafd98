import type { CardDelivery, CardTarget, JobCard, JobReporter, ThreadMessage } from '../core/card.ts';
import type { OutboxStore } from './outbox-store.ts';

/** The JobReporter jobs use: everything goes through the durable outbox, nothing to Slack directly. */
export class OutboxReporter implements JobReporter {
  readonly #store: OutboxStore;
  constructor(store: OutboxStore) {
    this.#store = store;
  }
  async openCard(card: JobCard, target: CardTarget): Promise<void> {
    await this.#store.open(card.jobId, target, card);
    await this.#store.requestFlush(card.jobId);
  }
  updateCard(card: JobCard): Promise<void> {
    return this.#store.putCard(card);
  }
  post(jobId: string, message: ThreadMessage): Promise<void> {
    return this.#store.pushMessage(jobId, message);
  }
  deliveryOf(jobId: string): Promise<CardDelivery> {
    return this.#store.deliveryOf(jobId);
  }
}
