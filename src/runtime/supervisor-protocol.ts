import type { ReadinessResult } from './readiness.ts';

/** What a child of the supervisor can be asked about itself. */
export type Topic = 'health' | 'readiness' | 'metrics';

/** One child's own answer: metrics go as prom-client JSON so the supervisor can aggregate them. */
export type ChildAnswer = { health: { ok: boolean; detail?: string }; readiness: ReadinessResult[]; metrics: unknown[] };

/** The supervisor's merged answer, ready to serve. */
export type MergedAnswer = { health: { ok: boolean; detail?: string }; readiness: ReadinessResult[]; metrics: { contentType: string; text: string } };

/** Messages over the IPC channel between the supervisor and its children (JSON-serialisable). */
export type ToChild =
  | { chatops: 'collect'; id: number; topic: Topic }
  | { chatops: 'merged'; id: number; topic: Topic; answer?: MergedAnswer[Topic]; error?: string };

export type ToSupervisor =
  | { chatops: 'collected'; id: number; topic: Topic; answer?: ChildAnswer[Topic]; error?: string }
  | { chatops: 'ask'; id: number; topic: Topic };

export function isChatopsMessage<T extends { chatops: string }>(message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as { chatops?: unknown }).chatops === 'string';
}

/** Sends a request over a channel and waits for the reply with the same id, or gives up after `timeoutMs`. */
export class Requests<A> {
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (a: A) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  start(send: (id: number) => void, timeoutMs: number): Promise<A> {
    const id = this.#next++;
    return new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, { resolve, reject, timer });
      try {
        send(id);
      } catch (err) {
        clearTimeout(timer);
        this.#waiting.delete(id);
        reject(err as Error);
      }
    });
  }

  settle(id: number, answer: A | undefined, error: string | undefined): void {
    const waiting = this.#waiting.get(id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.#waiting.delete(id);
    if (error !== undefined || answer === undefined) waiting.reject(new Error(error ?? 'empty answer'));
    else waiting.resolve(answer);
  }

  /** Fails everything still waiting (the other side went away). */
  abandon(reason: string): void {
    for (const [id, waiting] of this.#waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error(reason));
      this.#waiting.delete(id);
    }
  }
}
