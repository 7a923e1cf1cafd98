import type { Registry } from 'prom-client';
import type { OpsView } from './ops-endpoints.ts';
import { isChatopsMessage, Requests, type ChildAnswer, type MergedAnswer, type ToChild, type ToSupervisor } from './supervisor-protocol.ts';

/** The IPC channel a child process has to its parent (`process` when forked with one). */
export interface Channel {
  send(message: ToSupervisor): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * A child's side of the supervisor: answers the supervisor's questions about this process, and
 * gives the bot's HTTP endpoints the supervisor's merged view of every child.
 */
export class SupervisorLink {
  readonly #channel: Channel;
  readonly #merged = new Requests<MergedAnswer[keyof MergedAnswer]>();
  #local: { view: OpsView; registry: Registry } | undefined;

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.on('message', (message) => {
      if (!isChatopsMessage<ToChild>(message)) return;
      if (message.chatops === 'merged') this.#merged.settle(message.id, message.answer, message.error);
      else if (message.chatops === 'collect') void this.#answer(message.id, message.topic);
    });
  }

  /** Where this process's own answers come from. */
  answerWith(view: OpsView, registry: Registry): void {
    this.#local = { view, registry };
  }

  /** Health, readiness and metrics of every child, merged by the supervisor. */
  mergedView(): OpsView {
    const ask = <T extends keyof MergedAnswer>(topic: T) =>
      this.#merged.start((id) => this.#channel.send({ chatops: 'ask', id, topic }), 5000) as Promise<MergedAnswer[T]>;
    return { health: () => ask('health'), readiness: () => ask('readiness'), metrics: () => ask('metrics') };
  }

  async #answer(id: number, topic: keyof ChildAnswer): Promise<void> {
    try {
      const local = this.#local;
      if (!local) throw new Error('still starting');
      const answer: ChildAnswer[typeof topic] =
        topic === 'metrics'
          ? ((await local.registry.getMetricsAsJSON()) as unknown[])
          : topic === 'health'
            ? await local.view.health()
            : await local.view.readiness();
      this.#channel.send({ chatops: 'collected', id, topic, answer });
    } catch (err) {
      this.#channel.send({ chatops: 'collected', id, topic, error: (err as Error).message });
    }
  }
}
