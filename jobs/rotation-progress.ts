import type { JobReporter } from '../src/core/card.ts';
import { md } from '../src/core/mrkdwn.ts';
import { nowOf, type StepRun } from './step-runner.ts';

/** What a rotation's progress keeps: the steps it took, each with its time, for the card and `/ops job`. */
interface WithSteps {
  jobId: string;
  progress: { steps: { at: string; text: string }[] };
}

/**
 * Saves a rotation's progress; a `step` line joins its history and is said in the thread (after
 * the save, so a step is never announced that a crash would forget).
 */
export async function saveStep<D extends WithSteps>(
  deps: { reporter: JobReporter; now?: () => Date },
  run: StepRun<D>,
  data: D,
  progress: Partial<D['progress']>,
  step?: string,
): Promise<D> {
  const steps = step ? [...data.progress.steps, { at: nowOf(deps).toISOString(), text: step }] : data.progress.steps;
  const next = await run.save({ ...data, progress: { ...data.progress, ...progress, steps } });
  if (step) await deps.reporter.post(data.jobId, { kind: 'note', text: md`${nowOf(deps).toISOString().slice(11, 19)} UTC · ${step}` });
  return next;
}
