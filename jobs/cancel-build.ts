import type { AcrBuilds } from '../src/core/build/acr-builds.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import type { JobReporter } from '../src/core/card.ts';
import { describeAzureError, isTransientAzureError } from '../src/core/azure-errors.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, mention } from '../src/core/mrkdwn.ts';
import type { CancelBuildJobData, JobQueue } from '../src/core/job-queue.ts';

export interface CancelBuildJobDeps {
  acr: AcrBuilds;
  jobs: JobQueue;
  reporter: JobReporter;
}

/**
 * The `cancel-build` job: asks ACR to cancel the run of a build job. The cancel flag was
 * already set by the Slack side, so a build that has no run yet stops before starting one;
 * the build job itself reports the final Canceled state when ACR confirms it.
 */
export function createCancelBuildJob(deps: CancelBuildJobDeps): JobHandler<CancelBuildJobData> {
  return async (ctx) => {
    const { buildJobId, requestedBy } = ctx.data;
    const build = await deps.jobs.get(buildJobId);
    if (build?.kind !== 'build') return;
    const data = build.data as BuildJobData;
    const runId = data.progress.runId;
    if (data.progress.phase === 'done' || !runId) {
      // Not started yet: the build job sees the flag before scheduling. Done: nothing to do.
      return;
    }
    try {
      await deps.acr.cancelRun(data.target, runId);
      await deps.reporter.post(buildJobId, { kind: 'note', text: md`${mention(requestedBy)} canceled ACR run ${runId}.` });
    } catch (err) {
      if (isTransientAzureError(err) && ctx.attemptsMade + 1 < ctx.maxAttempts) throw err;
      const why = describeAzureError(err, data.target);
      await deps.reporter.post(buildJobId, { kind: 'error', text: `Could not cancel run ${runId}. ${why.text}`, hint: why.hint });
    }
  };
}
