import { type ChildProcess, fork } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Logger } from 'pino';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ReadinessResult } from './readiness.ts';
import { isChatopsMessage, Requests, type ChildAnswer, type MergedAnswer, type Topic, type ToChild, type ToSupervisor } from './supervisor-protocol.ts';

/** Exit status of a process whose configuration is invalid: restarting it would only fail again. */
export const CONFIG_ERROR_EXIT = 2;

export type ChildRole = 'bot' | 'worker';

/** The worker child's niceness (the bot child keeps the supervisor's). */
const WORKER_NICENESS = 10;

export interface SupervisorOptions {
  /** The script each child runs (`src/main.ts`, or `dist/src/main.js` in the image). */
  entry: string;
  logger: Logger;
  /** How long children get to finish active jobs after SIGTERM; they are killed a little after. */
  shutdownGraceMs: number;
  env?: NodeJS.ProcessEnv;
  /** First restart delay; doubled for each crash in a row, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A child that stayed up this long is healthy again: its next crash restarts it after the first delay. */
  stableAfterMs?: number;
}

interface Child {
  role: ChildRole;
  process: ChildProcess | undefined;
  startedAt: number;
  /** Crashes since the child last stayed up `stableAfterMs`. */
  crashesInARow: number;
  restartTimer?: NodeJS.Timeout;
  lastExit?: string;
  answers: Requests<ChildAnswer[Topic]>;
}

/**
 * `npm start` with every role: the bot and the worker each run in a child process, so acks are
 * never queued behind job work on one event loop, and a worker that runs out of memory or
 * crashes does not take the Slack endpoint with it. The supervisor forwards SIGTERM (each child
 * drains as it would alone), restarts a child that dies (with a growing delay, logged and
 * counted: a crash loop shows in `chatops_child_restarts_total`), and answers the endpoints the
 * bot child serves with every child's health, readiness and metrics merged.
 */
export class Supervisor {
  readonly #options: Required<Omit<SupervisorOptions, 'env'>> & { env: NodeJS.ProcessEnv };
  readonly #children: Child[];
  readonly #registry = new Registry();
  readonly #restarts: Counter<'role'>;
  #stopping: Promise<number> | undefined;
  #exitCode = 0;
  #onFatal: (code: number) => void = () => {};

  constructor(options: SupervisorOptions) {
    this.#options = { env: process.env, restartDelayMs: 1000, maxRestartDelayMs: 30_000, stableAfterMs: 60_000, ...options };
    this.#children = (['bot', 'worker'] as const).map((role) => ({ role, process: undefined, startedAt: 0, crashesInARow: 0, answers: new Requests() }));
    this.#registry.setDefaultLabels({ role: 'supervisor' });
    collectDefaultMetrics({ register: this.#registry });
    this.#restarts = new Counter({
      name: 'chatops_child_restarts_total',
      help: 'Children restarted after they died, by role.',
      labelNames: ['role'],
      registers: [this.#registry],
    });
    // Both series exist from the start, so `increase()` sees the first restart.
    for (const child of this.#children) this.#restarts.labels({ role: child.role }).inc(0);
    const up = new Gauge({
      name: 'chatops_child_up',
      help: '1 while the child process runs, by role.',
      labelNames: ['role'],
      registers: [this.#registry],
      collect: () => {
        for (const child of this.#children)
          up.set({ role: child.role }, child.process && child.process.exitCode === null && child.process.signalCode === null ? 1 : 0);
      },
    });
  }

  /** Starts both children; `onFatal` is called when the supervisor gives up (a child's configuration is invalid). */
  start(onFatal: (code: number) => void): void {
    this.#onFatal = onFatal;
    for (const child of this.#children) this.#spawn(child);
    this.#options.logger.info({ pid: process.pid }, 'supervisor started: bot and worker in child processes');
  }

  /** SIGTERM to every child, then waits for them (killing those still there after the grace period). Resolves the exit code. */
  stop(): Promise<number> {
    this.#stopping ??= (async () => {
      this.#options.logger.info('supervisor: stopping children');
      const exits = this.#children.map(async (child) => {
        clearTimeout(child.restartTimer);
        const proc = child.process;
        if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), this.#options.shutdownGraceMs + 5000);
        await exited;
        clearTimeout(killer);
      });
      await Promise.all(exits);
      this.#options.logger.info('supervisor: children stopped');
      return this.#exitCode;
    })();
    return this.#stopping;
  }

  #spawn(child: Child): void {
    const proc = fork(this.#options.entry, ['--supervised'], {
      env: { ...this.#options.env, CHATOPS_ROLE: child.role },
      // The children's JSON logs go straight to the supervisor's stdout and stderr.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.process = proc;
    child.startedAt = Date.now();
    // On a busy machine the kernel should give the CPU to the acks first: job work can wait a
    // few milliseconds, Slack's 3 s cannot. Raising a child's niceness needs no privilege.
    if (child.role === 'worker' && proc.pid !== undefined) {
      try {
        setPriority(proc.pid, WORKER_NICENESS);
      } catch (err) {
        this.#options.logger.debug({ err: { message: (err as Error).message } }, 'supervisor: could not lower the worker’s priority');
      }
    }
    proc.on('message', (message: unknown) => this.#onMessage(child, message));
    proc.once('exit', (code, signal) => this.#onExit(child, proc, code, signal));
  }

  #onExit(child: Child, proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child.process !== proc) return;
    child.answers.abandon(`${child.role} exited`);
    child.lastExit = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (this.#stopping) return;
    if (code === CONFIG_ERROR_EXIT) {
      this.#options.logger.fatal({ role: child.role }, 'supervisor: the configuration is invalid (see above); stopping');
      this.#exitCode = CONFIG_ERROR_EXIT;
      void this.stop().then((c) => this.#onFatal(c));
      return;
    }
    if (Date.now() - child.startedAt >= this.#options.stableAfterMs) child.crashesInARow = 0;
    child.crashesInARow += 1;
    const delay = Math.min(this.#options.maxRestartDelayMs, this.#options.restartDelayMs * 2 ** (child.crashesInARow - 1));
    this.#restarts.inc({ role: child.role });
    const level = child.crashesInARow >= 3 ? 'error' : 'warn';
    this.#options.logger[level](
      { role: child.role, exit: child.lastExit, crashesInARow: child.crashesInARow, restartInMs: delay },
      child.crashesInARow >= 3 ? `supervisor: ${child.role} is crash-looping; restarting it` : `supervisor: ${child.role} died; restarting it`,
    );
    child.restartTimer = setTimeout(() => {
      if (!this.#stopping) this.#spawn(child);
    }, delay);
  }

  #onMessage(child: Child, message: unknown): void {
    if (!isChatopsMessage<ToSupervisor>(message)) return;
    if (message.chatops === 'collected') {
      child.answers.settle(message.id, message.answer, message.error);
      return;
    }
    const reply = (answer: MergedAnswer[Topic] | undefined, error?: string) => {
      const out: ToChild = {
        chatops: 'merged',
        id: message.id,
        topic: message.topic,
        ...(answer !== undefined && { answer }),
        ...(error !== undefined && { error }),
      };
      if (child.process?.connected) child.process.send(out);
    };
    this.merged(message.topic).then(
      (answer) => reply(answer),
      (err: unknown) => reply(undefined, (err as Error).message),
    );
  }

  /** Every child's answer on `topic`, merged: what the endpoints serve. */
  async merged<T extends Topic>(topic: T): Promise<MergedAnswer[T]> {
    const answers = await Promise.all(
      this.#children.map(async (child) => {
        const proc = child.process;
        if (!proc?.connected) return { child, error: `not running (${child.lastExit ?? 'starting'})` };
        try {
          const answer = await child.answers.start((id) => proc.send({ chatops: 'collect', id, topic } satisfies ToChild), 4000);
          return { child, answer };
        } catch (err) {
          return { child, error: (err as Error).message };
        }
      }),
    );
    if (topic === 'metrics') {
      const all = [...answers.flatMap((a) => (a.answer ? [a.answer as ChildAnswer['metrics']] : [])), await this.#registry.getMetricsAsJSON()];
      const merged = AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]);
      return { contentType: merged.contentType, text: await merged.metrics() } as MergedAnswer[T];
    }
    if (topic === 'readiness') {
      const results: ReadinessResult[] = answers.flatMap((a) =>
        a.answer
          ? (a.answer as ChildAnswer['readiness']).map((r) => ({ ...r, role: a.child.role }))
          : [{ name: 'process', role: a.child.role, ok: false, detail: a.error! }],
      );
      return results as MergedAnswer[T];
    }
    const failing = answers
      .map((a) => (a.answer ? { role: a.child.role, ...(a.answer as ChildAnswer['health']) } : { role: a.child.role, ok: false, detail: a.error }))
      .filter((h) => !h.ok);
    return (
      failing.length === 0 ? { ok: true } : { ok: false, detail: failing.map((h) => `${h.role}: ${h.detail ?? 'unhealthy'}`).join('; ') }
    ) as MergedAnswer[T];
  }
}
