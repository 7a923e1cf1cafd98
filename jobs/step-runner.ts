import { isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import { JobLockLostError, type JobContext, type JobHandler } from '../src/core/job-context.ts';
import { JobStop } from './job-failures.ts';

/**
 * What a step gets: the job's data as the step starts, one `save` (the only way a step persists
 * progress) and a durable `wakeAfter`. Shaped like a {@link JobContext}, so the helpers that take
 * a context take a run too.
 */
export interface StepRun<D> extends Omit<JobContext<D>, 'keepLock' | 'save'> {
  /** Persists `next` before the side effect that follows, and returns it. */
  save(next: D): Promise<D>;
  /** Ends this run and comes back after `ms`, without holding a worker meanwhile. Never returns. */
  wakeAfter(ms: number): Promise<never>;
  /** Proves this run still holds the job (a no-op where the queue cannot tell). */
  keepLock(): Promise<void>;
}

/** One named step: does its work and returns the data saved for the next phase (or waits, or throws). */
// biome-ignore lint/suspicious/noConfusingVoidType: a step that ends the job returns nothing, and an async function without a return is Promise<void>
export type Step<D, Deps> = (deps: Deps, run: StepRun<D>) => Promise<D | void>;

/**
 * A job as BullMQ's "process step jobs" pattern has it: the phase saved in its data picks the
 * step, each step saves the next phase before its side effects, so a retried or restarted job
 * resumes where it stopped. Adding a phase = one step here and its name in the data's phase type.
 */
export interface StepJob<D, Deps, P extends string = string> {
  phaseOf(data: D): P;
  /** The step of each phase; a phase with none (`done`) ends the job. */
  steps: Partial<Record<P, Step<D, Deps>>>;
  /** Reports a failure that is final (see {@link retryIfItMayPass}) with the data the failing step started from. */
  fail(deps: Deps, run: StepRun<D>, err: unknown): Promise<void>;
  /**
   * Every save first proves this run still holds the job, and so does the failure report: a job
   * that changes Azure must not act (or speak) twice after a stalled worker lost it.
   */
  guardsLock?: boolean;
}

/** The one sentinel of a durable wait inside a run: the runner turns it into the queue's delay. */
class DurableWait extends Error {
  override name = 'DurableWait';
  readonly ms: number;
  constructor(ms: number) {
    super(`wake after ${ms} ms`);
    this.ms = ms;
  }
}

/** The run a step gets over `ctx`; `guardsLock` as in {@link StepJob}. Exported for step unit tests. */
export function stepRun<D>(ctx: JobContext<D>, data: D, options: { guardsLock?: boolean } = {}): StepRun<D> {
  const keepLock = async () => {
    await ctx.keepLock?.();
  };
  return {
    id: ctx.id,
    data,
    attemptsMade: ctx.attemptsMade,
    maxAttempts: ctx.maxAttempts,
    log: ctx.log,
    keepLock,
    async save(next) {
      if (options.guardsLock) await keepLock();
      await ctx.save(next);
      return next;
    },
    wakeAfter: async (ms) => {
      throw new DurableWait(ms);
    },
  };
}

/**
 * Runs `job`'s steps until one waits, ends the job or fails. Waits, lost locks, retries and final
 * failures are handled here and nowhere else: a step only throws.
 */
export function runSteps<D, Deps, P extends string>(job: StepJob<D, Deps, P>, deps: Deps): JobHandler<D> {
  return async function runJob(ctx) {
    let data = ctx.data;
    try {
      for (;;) {
        const phase = job.phaseOf(data);
        const step = job.steps[phase];
        if (!step) return;
        const next = await step(deps, stepRun(ctx, data, job));
        // A step that leaves the phase as it was has done this run's share of the work.
        if (!next || job.phaseOf(next) === phase) return;
        data = next;
      }
    } catch (err) {
      if (err instanceof DurableWait) return ctx.wakeAfter(err.ms);
      if (err instanceof JobLockLostError) throw err;
      await retryIfItMayPass(ctx, err);
      if (job.guardsLock) await ctx.keepLock?.();
      // The lock was proved just above: the report saves without asking again.
      await job.fail(deps, stepRun(ctx, data), err);
    }
  };
}

/**
 * Hands back to the queue what may pass with time: a durable wait in progress, Azure's
 * `Retry-After` (waited out without spending an attempt), a transient error while attempts
 * remain. Returns only when the failure is final, for the job to report it. A {@link JobStop}
 * is final at once: the input, the configuration or Azure's state has to change first.
 */
export async function retryIfItMayPass(ctx: Pick<JobContext<unknown>, 'attemptsMade' | 'maxAttempts' | 'wakeAfter'>, err: unknown): Promise<void> {
  if (err instanceof DurableWait) throw err;
  if (err instanceof JobStop) return;
  const retryAfterMs = retryAfterOf(err);
  if (retryAfterMs !== undefined) await ctx.wakeAfter(retryAfterMs);
  if (isTransientAzureError(err) && ctx.attemptsMade + 1 < ctx.maxAttempts) throw err;
}

/** `data` with `progress` merged into its `progress`: what most steps save. */
export function progressed<D extends { progress: object }>(data: D, progress: Partial<D['progress']>): D {
  return { ...data, progress: { ...data.progress, ...progress } };
}

/** The job's clock: `deps.now` in tests, the wall clock otherwise. */
export function nowOf(deps: { now?: () => Date }): Date {
  return deps.now ? deps.now() : new Date();
}
