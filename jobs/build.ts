import type { RunInfo } from '../src/core/build/acr-builds.ts';
import { runClaimKey, type BuildJobData } from '../src/core/build/build-job.ts';
import { scheduleWasRefused } from '../src/core/build/run-ownership.ts';
import { isTransientAzureError } from '../src/core/azure-errors.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, mention } from '../src/core/mrkdwn.ts';
import { follow } from './build-follow.ts';
import { lookForLostRun } from './build-lost-run.ts';
import { LogLinks, showBuildCard, type BuildJobDeps, type BuildStepDeps } from './build-shared.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { schedulePrivateBuild } from './private-build.ts';
import { nowOf, progressed, runSteps, type StepJob, type StepRun } from './step-runner.ts';

export type { BuildJobDeps } from './build-shared.ts';

type Run = StepRun<BuildJobData>;

/** Runs that may be this build's own, none provably so: starting another could build twice. */
class AmbiguousRunError extends JobStop {
  override name = 'AmbiguousRunError';
  constructor(runIds: string[]) {
    const runs = `${runIds.length === 1 ? 'run' : 'runs'} ${runIds.join(', ')}`;
    super(
      `Azure did not say whether this build started, and the bot cannot prove that ${runs}, started at the same moment, ${runIds.length === 1 ? 'is' : 'are'} its own, so it stopped instead of following someone else's build or starting a second one.`,
      `\`/acr logs ${runIds[0]}\` shows a run's log; if none of them is yours, run the same \`/acr build\` again.`,
    );
  }
}

/** Progress after a definite refusal of `scheduleRun`: nothing to look for, schedule afresh. */
function notScheduling(data: BuildJobData): BuildJobData {
  const { schedulingSince: _asked, candidates: _seen, ...progress } = data.progress;
  return { ...data, progress: { ...progress, phase: 'new' } };
}

/** Candidates have not shown enough yet (their image names come when their build step ends): look again later. */
async function waitForCandidates(deps: BuildStepDeps, run: Run, data: BuildJobData, runIds: string[]): Promise<never> {
  if (runIds.join() !== (data.progress.candidates ?? []).join()) {
    data = await run.save(progressed(data, { candidates: runIds }));
    await showBuildCard(deps, data, 'queued', {
      detail: md`Azure did not say whether this build started. Checking whether ${runIds.length === 1 ? 'run' : 'runs'} ${runIds.join(', ')} ${runIds.length === 1 ? 'is' : 'are'} this build before starting another.`,
    });
  }
  return run.wakeAfter(deps.pollIntervalMs * 2);
}

/**
 * The last `scheduleRun` may have started a run (no answer, a reset, a 5xx, a crash): finds
 * that run before starting another, and takes it only when it proves to be ours.
 */
async function adoptLostRun(deps: BuildStepDeps, run: Run): Promise<RunInfo | undefined> {
  const { data } = run;
  const { adoption, runs } = await lookForLostRun(deps, data, runClaimKey(data.target));
  if (adoption.kind === 'wait') return waitForCandidates(deps, run, data, adoption.runIds);
  if (adoption.kind === 'unsure') throw new AmbiguousRunError(adoption.runIds);
  let adopted: RunInfo | undefined;
  if (adoption.kind === 'adopt' && (await deps.claims.claim(runClaimKey(data.target), adoption.runId, data.jobId))) {
    run.log.info({ runId: adoption.runId }, 'adopting the run the lost scheduleRun started');
    adopted = runs.find((r) => r.runId === adoption.runId);
  }
  if (adoption.kind === 'adopt' && !adopted) return waitForCandidates(deps, run, data, [adoption.runId]); // claimed meanwhile: look again
  if (!adopted) run.log.info('the lost scheduleRun started nothing; scheduling again');
  return adopted;
}

/** Saves `scheduling` (with the moment it asked), then asks ACR for the run. */
async function scheduleRun(deps: BuildStepDeps, run: Run): Promise<RunInfo> {
  const data = await run.save(progressed(run.data, { phase: 'scheduling', schedulingSince: nowOf(deps).toISOString() }));
  try {
    if (data.task) return await deps.acr.scheduleTaskRun(data.target, data.task.name);
    return data.privateSource ? await schedulePrivateBuild(deps, data) : await deps.acr.scheduleDockerBuild(data.target, data.spec!);
  } catch (err) {
    // A definite refusal started nothing: the next attempt schedules again, without searching.
    if (scheduleWasRefused(err)) await run.save(notScheduling(data));
    throw err;
  }
}

/** Steps `new` and `scheduling`: starts the ACR run (or adopts the one a lost answer started), then follows it. */
export async function schedule(deps: BuildStepDeps, run: Run): Promise<BuildJobData> {
  let { data } = run;
  const canceledBy = await deps.cancels.requestedBy(data.jobId);
  if (canceledBy) {
    await showBuildCard(deps, data, 'canceled', { detail: md`Canceled by ${mention(canceledBy)} before it started.`, finishedAt: nowOf(deps).toISOString() });
    return run.save(progressed(data, { phase: 'done' }));
  }
  const lost = data.progress.phase === 'scheduling' && data.progress.schedulingSince ? await adoptLostRun(deps, run) : undefined;
  const started = lost ?? (await scheduleRun(deps, run));
  // The run id is saved before anything else: from here on a retry follows this run.
  data = await run.save(
    progressed(data, {
      phase: 'following',
      runId: started.runId,
      lastArmCheckAt: nowOf(deps).toISOString(),
      ...(started.startTime && { runningSince: started.startTime.toISOString() }),
    }),
  );
  await deps.claims.claim(runClaimKey(data.target), started.runId, data.jobId);
  run.log.info({ runId: started.runId, registry: data.target.registry }, 'ACR run scheduled');
  await showBuildCard(deps, data, 'running', { detail: md`ACR run ${started.runId} started in ${data.target.registry}.` });
  if (await deps.cancels.requestedBy(data.jobId)) await deps.acr.cancelRun(data.target, started.runId);
  return run.wakeAfter(deps.pollIntervalMs);
}

/** A final failure: said in the thread and on the card. */
export async function reportFailure(deps: BuildStepDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const described = describeFailure(err, data.target);
  if (!(err instanceof JobStop) && isTransientAzureError(err)) {
    described.hint = `I tried ${run.maxAttempts} times over a few minutes. Run the command again later; if it keeps failing, the platform admin should check the bot’s access to Azure.`;
  }
  run.log.warn({ err, transient: isTransientAzureError(err) }, 'build failed');
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await showBuildCard(deps, data, 'failed', { detail: md`${described.text}`, finishedAt: nowOf(deps).toISOString() });
  await run.save(progressed(data, { phase: 'done' }));
}

/**
 * The `build` job: `az acr build` from a git context. Steps are saved in the job data
 * before each side effect, so a retried or restarted job resumes the same ACR run.
 */
export const buildJob: StepJob<BuildJobData, BuildStepDeps, BuildJobData['progress']['phase']> = {
  phaseOf: (data) => data.progress.phase,
  steps: { new: schedule, scheduling: schedule, following: follow },
  fail: reportFailure,
};

export function createBuildJob(deps: BuildJobDeps): JobHandler<BuildJobData> {
  return runSteps(buildJob, { ...deps, links: new LogLinks() });
}
