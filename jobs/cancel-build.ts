import type { AcrBuilds } from '../src/core/build/acr-builds.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import type { JobReporter } from '../src/core/card.ts';
import { describeFailure } from './job-failures.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, mention } from '../src/core/mrkdwn.ts';
import type { CancelBuildJobData, JobQueue } from '../src/core/job-queue.ts';
import { runSteps, type StepJob, type StepRun } from './step-runner.ts';

export interface CancelBuildJobDeps {
  acr: AcrBuilds;
  jobs: JobQueue;
  reporter: JobReporter;
}

type Run = StepRun<CancelBuildJobData>;

/** The build job's data while its run can still be canceled, or undefined once there is nothing to cancel. */
async function runningBuild(deps: CancelBuildJobDeps, buildJobId: string): Promise<(BuildJobData & { progress: { runId: string } }) | undefined> {
  const build = await deps.jobs.get(buildJobId);
  if (build?.kind !== 'build') return undefined;
  const data = build.data as BuildJobData;
  // Not started yet: the build job sees the flag before scheduling. Done: nothing to do.
  if (data.progress.phase === 'done' || !data.progress.runId) return undefined;
  return data as BuildJobData & { progress: { runId: string } };
}

/** The one step: asks ACR to cancel the build's run and says so in the build's thread. */
export async function cancelRun(deps: CancelBuildJobDeps, run: Run): Promise<void> {
  const { buildJobId, requestedBy } = run.data;
  const build = await runningBuild(deps, buildJobId);
  if (!build) return;
  await deps.acr.cancelRun(build.target, build.progress.runId);
  await deps.reporter.post(buildJobId, { kind: 'note', text: md`${mention(requestedBy)} canceled ACR run ${build.progress.runId}.` });
}

/** ACR would not cancel: said in the build's thread. */
export async function reportFailure(deps: CancelBuildJobDeps, run: Run, err: unknown): Promise<void> {
  const { buildJobId } = run.data;
  const build = await runningBuild(deps, buildJobId);
  if (!build) return;
  const why = describeFailure(err, build.target);
  await deps.reporter.post(buildJobId, { kind: 'error', text: `Could not cancel run ${build.progress.runId}. ${why.text}`, hint: why.hint });
}

/**
 * The `cancel-build` job: asks ACR to cancel the run of a build job. The cancel flag was
 * already set by the Slack side, so a build that has no run yet stops before starting one;
 * the build job itself reports the final Canceled state when ACR confirms it.
 */
export const cancelBuildJob: StepJob<CancelBuildJobData, CancelBuildJobDeps, 'cancel'> = {
  phaseOf: () => 'cancel',
  steps: { cancel: cancelRun },
  fail: reportFailure,
};

export function createCancelBuildJob(deps: CancelBuildJobDeps): JobHandler<CancelBuildJobData> {
  return runSteps(cancelBuildJob, deps);
}
