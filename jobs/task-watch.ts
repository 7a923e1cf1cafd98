import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AcrBuilds, RunClaims, RunInfo } from '../src/core/build/acr-builds.ts';
import { buildCard } from '../src/core/build/build-card.ts';
import { newBuildProgress, runClaimKey, type BuildJobData } from '../src/core/build/build-job.ts';
import type { AuditLog } from '../src/core/audit.ts';
import type { JobReporter } from '../src/core/card.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { decideLook, unsee } from '../src/core/task-watch/cursor.ts';
import type { TaskWatchJobData, TaskWatchStore, WatchSchedules } from '../src/core/task-watch/ports.ts';
import { watchedRegistries, type RegistryWatch, type WatchedTask } from '../src/core/task-watch/watched-tasks.ts';

export interface TaskWatchJobDeps {
  acr: AcrBuilds;
  reporter: JobReporter;
  jobs: JobQueue;
  claims: RunClaims;
  watches: TaskWatchStore;
  schedules: WatchSchedules;
  audit: AuditLog;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  /** The workspace the cards go to (`access.team.id`). */
  teamId: string;
  portal: string;
  /** Time between looks at one registry (`CHATOPS_TASK_WATCH_MS`, default 30 s). */
  taskWatchMs: number;
  now?: () => Date;
}

/** Runs per look: one page; with 20 tasks and 100 runs an hour a 30 s look sees about one new run. */
export const RUNS_PER_LOOK = 50;

/**
 * A run the portal or a command started (no trigger) may be the bot's own `/acr task run`, whose
 * job records the run id a moment after ACR answers: such a run, unclaimed, waits this long
 * before it is announced, so the bot's own run is never announced a second time.
 */
const OWN_RUN_GRACE_MS = 15_000;

/** The job id of the build job that follows an announced run: the same for the same run, so announcing again is a no-op. */
export function announcedJobId(teamId: string, registryKey: string, runId: string): string {
  return jobIdFromTrigger(teamId, `task-watch:${registryKey}:${runId.toLowerCase()}`);
}

async function watchOf(deps: TaskWatchJobDeps, registryKey: string): Promise<RegistryWatch | undefined> {
  const subscriptions = await deps.watches.subscriptions();
  return watchedRegistries(deps.environments, subscriptions).find((w) => w.key === registryKey);
}

/** Which watched task a run belongs to (two environments sharing a registry: the first that watches it). */
function watcherOf(watch: RegistryWatch, run: RunInfo): WatchedTask | undefined {
  return watch.tasks.find((t) => t.task.toLowerCase() === run.taskName?.toLowerCase());
}

/** The card and the `build` job that follows an announced run. */
async function announce(deps: TaskWatchJobDeps, watch: RegistryWatch, task: WatchedTask, run: RunInfo, now: Date): Promise<string> {
  const jobId = announcedJobId(deps.teamId, watch.key, run.runId);
  const env = deps.environments[task.environment]!;
  const data: BuildJobData = {
    jobId,
    requesterId: 'system',
    teamId: deps.teamId,
    channelId: task.channel,
    environment: task.environment,
    target: watch.ref,
    task: { name: run.taskName ?? task.task },
    trigger: run.triggeredBy ?? { kind: 'manual' },
    ...(task.deploy && env.registry && { deployTo: { group: task.deploy.group } }),
    queuedAt: (run.createTime ?? now).toISOString(),
    // Straight to following: the run exists, nothing is scheduled.
    progress: {
      ...newBuildProgress(),
      phase: 'following',
      runId: run.runId,
      lastArmCheckAt: now.toISOString(),
      ...(run.startTime && { runningSince: run.startTime.toISOString() }),
    },
  };
  await deps.audit.record({
    actor: 'system',
    action: 'task.run.announced',
    outcome: 'info',
    environment: task.environment,
    target: `${watch.ref.registry}/${data.task!.name}`,
    jobId,
    details: {
      runId: run.runId,
      trigger: data.trigger!.kind,
      ...(data.trigger!.kind === 'commit' && data.trigger!.commitId && { commit: data.trigger!.commitId }),
      channel: task.channel,
    },
  });
  await deps.reporter.openCard(buildCard(data, { status: 'running', portal: deps.portal }), { channelId: task.channel, teamId: deps.teamId });
  await deps.jobs.submit('build', jobId, data);
  return jobId;
}

/**
 * Announces the runs a look found new; returns the ids of those put off to the next look (an
 * untriggered run too young to tell from the bot's own `/acr task run`).
 */
async function announceFresh(
  deps: TaskWatchJobDeps,
  ctx: JobContext<TaskWatchJobData>,
  watch: RegistryWatch,
  fresh: readonly RunInfo[],
  at: Date,
): Promise<string[]> {
  const putOff: string[] = [];
  for (const run of fresh) {
    const task = watcherOf(watch, run);
    if (!task) continue;
    const claimKey = runClaimKey(watch.ref);
    const jobId = announcedJobId(deps.teamId, watch.key, run.runId);
    const owner = await deps.claims.ownerOf(claimKey, run.runId);
    if (owner && owner !== jobId) continue; // a job of this bot (`/acr task run`) follows it already
    const untriggered = !run.triggeredBy || run.triggeredBy.kind === 'manual';
    if (untriggered && run.createTime && at.getTime() - run.createTime.getTime() < OWN_RUN_GRACE_MS) {
      putOff.push(run.runId);
      continue;
    }
    // Claimed for the announcing job: a lost-run search of another job never adopts it.
    if (!(await deps.claims.claim(claimKey, run.runId, jobId))) continue;
    await announce(deps, watch, task, run, at);
    ctx.log.info({ runId: run.runId, task: task.task, jobId }, 'announced a task run');
  }
  return putOff;
}

/**
 * The `task-watch` job: one look at one registry's watched tasks, run by the registry's job
 * scheduler. One ARM call (one page of `runs.list` filtered on the watched task names); each
 * run that is new since the cursor gets a card and a `build` job that follows it like
 * `/acr build` (live log, final card, Cancel). The cursor is saved after the announcements, and
 * announcing is idempotent (a job id per run), so a crash in between repeats nothing.
 */
export function createTaskWatchJob(deps: TaskWatchJobDeps): JobHandler<TaskWatchJobData> {
  return async function lookAtRegistry(ctx) {
    const { registryKey } = ctx.data;
    const watch = await watchOf(deps, registryKey);
    if (!watch || watch.tasks.length === 0) {
      // Nothing watched here any more: the scheduler goes, and so does the cursor.
      await deps.schedules.remove(registryKey);
      await deps.watches.dropCursor(registryKey);
      ctx.log.info({ registryKey }, 'no task watched in this registry any more; its watcher is removed');
      return;
    }
    // However many schedulers, retries or workers: one look per registry per slot of the interval.
    const at = deps.now ? deps.now() : new Date();
    if (!(await deps.watches.claimLook(registryKey, deps.taskWatchMs, at))) return;
    const names = [...new Set(watch.tasks.map((t) => t.task))];
    let runs: RunInfo[];
    try {
      runs = await deps.acr.listTaskRuns(watch.ref, names, RUNS_PER_LOOK);
    } catch (err) {
      // The next tick looks again; retrying now would be a second ARM call in this window.
      ctx.log.warn({ err, registry: watch.ref.registry }, 'could not list the runs of the watched tasks; looking again at the next tick');
      return;
    }
    const cursor = await deps.watches.cursor(registryKey);
    const look = decideLook(cursor, runs, watch.tasks, at, RUNS_PER_LOOK);
    if (look.pageFull) ctx.log.warn({ registry: watch.ref.registry, runs: runs.length }, 'every run of the page is new: older new runs may not have been seen');
    const putOff = await announceFresh(deps, ctx, watch, look.fresh, at);
    await deps.watches.saveCursor(registryKey, unsee(look.cursor, putOff));
  };
}
