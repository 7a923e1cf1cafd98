/** The step runner: phases in order, one durable wait, lost locks, retries and final failures in one place. */
import { describe, expect, it } from 'vitest';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { JobLockLostError } from '../../../src/core/job-context.ts';
import { JobStop } from '../../../jobs/job-failures.ts';
import { runSteps, type StepJob } from '../../../jobs/step-runner.ts';
import { Woke, fakeContext } from '../../fakes/fake-acr.ts';

interface Data {
  phase: 'a' | 'b' | 'c' | 'done';
  seen: string[];
}

type Job = StepJob<Data, { log: string[] }, Data['phase']>;

function job(steps: Job['steps'], extra: Partial<Job> = {}): Job {
  return {
    phaseOf: (d) => d.phase,
    steps,
    fail: async (deps, run, err) => {
      deps.log.push(`fail ${run.data.phase} ${(err as Error).message}`);
      await run.save({ ...run.data, phase: 'done' });
    },
    ...extra,
  };
}

const transient = () => new AzureOperationError('Azure is busy.', { hint: 'Try later.', transient: true, statusCode: 503 });

describe('the step runner', () => {
  it('runs the step of each phase in turn, each from the data the one before saved, and stops at a phase without one', async () => {
    const deps = { log: [] as string[] };
    const ctx = fakeContext<Data>({ phase: 'a', seen: [] });
    await runSteps(
      job({
        a: async (_d, run) => run.save({ phase: 'b', seen: [...run.data.seen, 'a'] }),
        b: async (_d, run) => run.save({ phase: 'done', seen: [...run.data.seen, 'b'] }),
      }),
      deps,
    )(ctx);
    expect(ctx.saves.map((s) => s.seen.join())).toEqual(['a', 'a,b']);
    expect(ctx.data).toEqual({ phase: 'done', seen: ['a', 'b'] });
    expect(deps.log).toEqual([]);
  });

  it('ends the run when a step leaves the phase as it was', async () => {
    const deps = { log: [] as string[] };
    let runs = 0;
    await runSteps(
      job({
        a: async (_d, run) => {
          runs++;
          return run.data;
        },
      }),
      deps,
    )(fakeContext<Data>({ phase: 'a', seen: [] }));
    expect(runs).toBe(1);
  });

  it('turns a step’s wakeAfter into the queue’s durable wait, with no failure report', async () => {
    const deps = { log: [] as string[] };
    const ctx = fakeContext<Data>({ phase: 'a', seen: [] });
    const run = runSteps(job({ a: async (_d, r) => r.wakeAfter(1234) }), deps)(ctx);
    await expect(run).rejects.toBeInstanceOf(Woke);
    await expect(run).rejects.toMatchObject({ ms: 1234 });
    expect(deps.log).toEqual([]);
  });

  it('lets a lost lock through untouched: no report, no save', async () => {
    const deps = { log: [] as string[] };
    const ctx = fakeContext<Data>({ phase: 'a', seen: [] });
    await expect(
      runSteps(
        job({
          a: async () => {
            throw new JobLockLostError('j1');
          },
        }),
        deps,
      )(ctx),
    ).rejects.toBeInstanceOf(JobLockLostError);
    expect(deps.log).toEqual([]);
    expect(ctx.saves).toEqual([]);
  });

  it('hands a transient error back to the queue while attempts remain, and reports it on the last one from the data the failing step started with', async () => {
    const steps: Job['steps'] = {
      a: async (_d, run) => run.save({ phase: 'b', seen: ['a'] }),
      b: async (_d, run) => {
        await run.save({ phase: 'c', seen: ['half of b'] });
        throw transient();
      },
    };
    const early = { log: [] as string[] };
    await expect(runSteps(job(steps), early)(fakeContext<Data>({ phase: 'a', seen: [] }, { attemptsMade: 0, maxAttempts: 3 }))).rejects.toMatchObject({
      statusCode: 503,
    });
    expect(early.log).toEqual([]);
    const last = { log: [] as string[] };
    const ctx = fakeContext<Data>({ phase: 'a', seen: [] }, { attemptsMade: 2, maxAttempts: 3 });
    await runSteps(job(steps), last)(ctx);
    expect(last.log).toEqual(['fail b Azure is busy.']);
    expect(ctx.data).toEqual({ phase: 'done', seen: ['a'] });
  });

  it('reports a JobStop at once, however many attempts remain', async () => {
    const deps = { log: [] as string[] };
    await runSteps(
      job({
        a: async () => {
          throw new JobStop('No.', 'Change the input.');
        },
      }),
      deps,
    )(fakeContext<Data>({ phase: 'a', seen: [] }));
    expect(deps.log).toEqual(['fail a No.']);
  });

  it('waits out Azure’s Retry-After without spending an attempt', async () => {
    const deps = { log: [] as string[] };
    const throttled = new AzureOperationError('Throttled.', { hint: 'Wait.', transient: true, statusCode: 429, retryAfterMs: 7000 });
    const run = runSteps(
      job({
        a: async () => {
          throw throttled;
        },
      }),
      deps,
    )(fakeContext<Data>({ phase: 'a', seen: [] }, { attemptsMade: 4, maxAttempts: 5 }));
    await expect(run).rejects.toMatchObject({ ms: 7000 });
    expect(deps.log).toEqual([]);
  });

  it('with guardsLock, proves the lock before every save and before the report, and stops silently once it is gone', async () => {
    const deps = { log: [] as string[] };
    const ctx = fakeContext<Data>({ phase: 'a', seen: [] });
    let held = true;
    let keeps = 0;
    ctx.keepLock = async () => {
      keeps++;
      if (!held) throw new JobLockLostError(ctx.id);
    };
    const guarded = job(
      {
        a: async (_d, run) => run.save({ phase: 'b', seen: ['a'] }),
        b: async (_d, run) => {
          held = false;
          return run.save({ phase: 'done', seen: ['b'] });
        },
      },
      { guardsLock: true },
    );
    await expect(runSteps(guarded, deps)(ctx)).rejects.toBeInstanceOf(JobLockLostError);
    expect(keeps).toBe(2);
    expect(ctx.saves.map((s) => s.phase)).toEqual(['b']);
    expect(deps.log).toEqual([]);
  });
});
