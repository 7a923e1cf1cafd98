import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AcrBuilds, RunInfo } from '../src/core/build/acr-builds.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import type { JobReporter } from '../src/core/card.ts';
import type { SecretVault } from '../src/core/credentials/ports.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import { md } from '../src/core/mrkdwn.ts';
import type { AcrTasks } from '../src/core/registry/ports.ts';
import { readGitToken } from './git-token.ts';

/**
 * Builds from private git repositories. ACR's quick build (`DockerBuildRequest`, what
 * `az acr build` sends) has no git credential, so ACR cannot clone a private repository for
 * it. A task can carry one (`step.contextAccessToken`), so such a build is a one-off task
 * holding the token, run once with a TaskRunRequest (as `az acr task run` does) and followed
 * like any build, then removed: the token stays in ACR no longer than the build needs it.
 */
export interface PrivateBuildDeps {
  acr: AcrBuilds;
  acrTasks: AcrTasks;
  vault: SecretVault;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  reporter: JobReporter;
}

/** The one-off task of a build job: 27 characters, within ACR's 5–50, unique per job. */
export function privateBuildTaskName(jobId: string): string {
  return `chatops-build-${jobId}`;
}

/**
 * Reads the token (checking `gitAccessTokens` again), creates the job's task and schedules
 * its run. Repeating it is safe: the task PUT is idempotent, and the build job looks for a run
 * of this task before scheduling another.
 */
export async function schedulePrivateBuild(deps: PrivateBuildDeps, data: BuildJobData): Promise<RunInfo> {
  const { tokenSecret, repositoryUrl } = data.privateSource!;
  const token = await readGitToken(deps, data.environment, tokenSecret, repositoryUrl);
  const name = privateBuildTaskName(data.jobId);
  await deps.acrTasks.createBuildTask(data.target, name, data.spec!, token, { jobId: data.jobId });
  return deps.acr.scheduleTaskRun(data.target, name);
}

/**
 * Wraps the build job so that a private build's task is removed once the job is done
 * (succeeded, failed, canceled, or refused before it ran). A removal that fails is said in
 * the thread, since the task still holds the token.
 */
export function withPrivateBuildCleanup(handler: JobHandler<BuildJobData>, deps: PrivateBuildDeps): JobHandler<BuildJobData> {
  return async (ctx) => {
    if (!ctx.data.privateSource) return handler(ctx);
    let latest = ctx.data;
    const tracked: JobContext<BuildJobData> = {
      ...ctx,
      save: async (data) => {
        await ctx.save(data);
        latest = data;
      },
    };
    await handler(tracked);
    if (latest.progress.phase !== 'done') return;
    const name = privateBuildTaskName(latest.jobId);
    try {
      await deps.acrTasks.delete(latest.target, name);
    } catch (err) {
      ctx.log.warn({ err, task: name }, 'could not remove the task of a private build');
      await deps.reporter.post(latest.jobId, {
        kind: 'note',
        text: md`I could not remove the temporary ACR task ${name}, which holds the git token of this build. Remove it with /acr task delete --name ${name}.`,
      });
    }
  };
}
