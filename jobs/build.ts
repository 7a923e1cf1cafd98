import type { AcrBuilds, LogChunk, LogLink, LogReader, RunClaims, RunImage, RunInfo } from '../src/core/build/acr-builds.ts';
import { buildCard, explainFailure } from '../src/core/build/build-card.ts';
import { scheduleWasRefused } from '../src/core/build/run-ownership.ts';
import { verdictOfLog, verdictOfRun, type RunVerdict } from '../src/core/build/run-status.ts';
import { lookForLostRun } from './build-lost-run.ts';
import { parseRunSummary } from '../src/core/build/run-summary.ts';
import { runClaimKey, type BuildJobData, type BuildProgress } from '../src/core/build/build-job.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import type { CancelRequests } from '../src/core/job-queue.ts';
import { describeAzureError, isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import { md, mention, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';
import { JobStop } from './job-failures.ts';
import { schedulePrivateBuild, type PrivateBuildDeps } from './private-build.ts';
import { queueTaskDeploy, taskDeployDepsOf, type TaskDeployDeps } from './task-deploy.ts';

export interface BuildJobDeps extends PrivateBuildDeps, Partial<Omit<TaskDeployDeps, 'reporter' | 'portal' | 'environments'>> {
  acr: AcrBuilds;
  logs: LogReader;
  reporter: JobReporter;
  cancels: CancelRequests;
  claims: RunClaims;
  /** Azure portal base URL for links. */
  portal: string;
  /** Base delay between looks at a running build (`CHATOPS_POLL_INTERVAL_MS`). */
  pollIntervalMs: number;
  now?: () => Date;
}

/** One log batch in the thread at most this big; the rest is in the file attached on failure. */
const maxLogBatchChars = 3500;
/** Bytes read from the log blob per look. */
const maxReadBytes = 256 * 1024;
/** Largest log attached to the thread as a file. */
const maxAttachedLogBytes = 5 * 1024 * 1024;
/** Ask ARM for the run status only when the log says nothing for this long. */
const armCheckEveryMs = 60_000;
/** A log link is a SAS capability: cached in memory only, never persisted, refreshed after this. */
const logLinkTtlMs = 30 * 60_000;

/**
 * The `build` job: `az acr build` from a git context. Steps are saved in the job data
 * before each side effect, so a retried or restarted job resumes the same ACR run.
 */
export function createBuildJob(deps: BuildJobDeps): JobHandler<BuildJobData> {
  const now = deps.now ?? (() => new Date());
  const logLinks = new Map<string, { link: LogLink; at: number }>();

  async function logLink(data: BuildJobData, runId: string, refresh = false): Promise<LogLink> {
    const cached = logLinks.get(runId);
    if (cached && !refresh && now().getTime() - cached.at < logLinkTtlMs) return cached.link;
    const link = await deps.acr.getLogLink(data.target, runId);
    logLinks.set(runId, { link, at: now().getTime() });
    // Bounded: a worker follows hundreds of builds, not millions.
    if (logLinks.size > 5000) logLinks.delete(logLinks.keys().next().value!);
    return link;
  }

  function card(data: BuildJobData, status: JobStatus, extra: { detail?: Mrkdwn; images?: RunImage[]; startedAt?: string; finishedAt?: string } = {}) {
    return deps.reporter.updateCard(buildCard(data, { status, portal: deps.portal, ...extra }));
  }

  /** Where the whole log of a run is, for a thread that shows only part of it. */
  function fullLog(data: BuildJobData, runId: string): Mrkdwn {
    const portal: Mrkdwn = { mrkdwn: `<${portalResourceUrl(deps.portal, registryResourceId(data.target))}/runs|the run in the Azure portal>` };
    return md`\`/acr logs ${runId} --env ${data.environment}\` or ${portal}`;
  }

  async function save(ctx: JobContext<BuildJobData>, data: BuildJobData, progress: Partial<BuildProgress>): Promise<BuildJobData> {
    const next = { ...data, progress: { ...data.progress, ...progress } };
    await ctx.save(next);
    return next;
  }

  async function schedule(ctx: JobContext<BuildJobData>, data: BuildJobData): Promise<BuildJobData> {
    const canceledBy = await deps.cancels.requestedBy(data.jobId);
    if (canceledBy) {
      await card(data, 'canceled', { detail: md`Canceled by ${mention(canceledBy)} before it started.`, finishedAt: now().toISOString() });
      return save(ctx, data, { phase: 'done' });
    }
    let run: RunInfo | undefined;
    if (data.progress.phase === 'scheduling' && data.progress.schedulingSince) {
      // The last `scheduleRun` may have started a run (no answer, a reset, a 5xx, a crash):
      // find that run before starting another, and take it only when it proves to be ours.
      const { adoption, runs } = await lookForLostRun(deps, data, runClaimKey(data.target));
      if (adoption.kind === 'wait') return waitForCandidates(ctx, data, adoption.runIds);
      if (adoption.kind === 'unsure') throw new AmbiguousRunError(adoption.runIds);
      if (adoption.kind === 'adopt' && (await deps.claims.claim(runClaimKey(data.target), adoption.runId, data.jobId))) {
        ctx.log.info({ runId: adoption.runId }, 'adopting the run the lost scheduleRun started');
        run = runs.find((r) => r.runId === adoption.runId);
      }
      if (adoption.kind === 'adopt' && !run) return waitForCandidates(ctx, data, [adoption.runId]); // claimed meanwhile: look again
      if (!run) ctx.log.info('the lost scheduleRun started nothing; scheduling again');
    }
    if (!run) {
      data = await save(ctx, data, { phase: 'scheduling', schedulingSince: now().toISOString() });
      try {
        run = data.task
          ? await deps.acr.scheduleTaskRun(data.target, data.task.name)
          : data.privateSource ? await schedulePrivateBuild(deps, data) : await deps.acr.scheduleDockerBuild(data.target, data.spec!);
      } catch (err) {
        // A definite refusal started nothing: the next attempt schedules again, without searching.
        if (scheduleWasRefused(err)) await ctx.save(notScheduling(data));
        throw err;
      }
    }
    // The run id is saved before anything else: from here on a retry follows this run.
    data = await save(ctx, data, { phase: 'following', runId: run.runId, lastArmCheckAt: now().toISOString(), ...(run.startTime && { runningSince: run.startTime.toISOString() }) });
    await deps.claims.claim(runClaimKey(data.target), run.runId, data.jobId);
    ctx.log.info({ runId: run.runId, registry: data.target.registry }, 'ACR run scheduled');
    await card(data, 'running', { detail: md`ACR run ${run.runId} started in ${data.target.registry}.` });
    if (await deps.cancels.requestedBy(data.jobId)) await deps.acr.cancelRun(data.target, run.runId);
    return data;
  }

  /** Candidates have not shown enough yet (their image names come when their build step ends): look again later. */
  async function waitForCandidates(ctx: JobContext<BuildJobData>, data: BuildJobData, runIds: string[]): Promise<never> {
    if (runIds.join() !== (data.progress.candidates ?? []).join()) {
      data = await save(ctx, data, { candidates: runIds });
      await card(data, 'queued', { detail: md`Azure did not say whether this build started. Checking whether ${runIds.length === 1 ? 'run' : 'runs'} ${runIds.join(', ')} ${runIds.length === 1 ? 'is' : 'are'} this build before starting another.` });
    }
    return ctx.wakeAfter(deps.pollIntervalMs * 2);
  }

  /**
   * The finished run as its log tells it: the blob's `Complete` metadata is the verdict and a
   * successful log ends with the pushed images and their digests (what `az acr build` shows).
   * ARM is asked only when the log lacks that summary, or ends with a value ACR does not
   * document (no verdict: `undefined` if ARM does not call the run over either).
   */
  async function outcomeFromLog(data: BuildJobData, runId: string, complete: string): Promise<{ verdict: RunVerdict; run?: RunInfo } | undefined> {
    const verdict = verdictOfLog(complete);
    if (verdict === undefined) {
      const run = await deps.acr.getRun(data.target, runId);
      const armVerdict = verdictOfRun(run.status);
      return armVerdict && { verdict: armVerdict, run };
    }
    if (verdict !== 'succeeded') return { verdict };
    const { text } = await deps.logs.readAll(await logLink(data, runId), 16 * 1024);
    const summary = parseRunSummary(text);
    if (summary.images.length === 0) return { verdict, run: await deps.acr.getRun(data.target, runId) };
    return { verdict, run: { runId, status: 'Succeeded', outputImages: summary.images } };
  }

  /** Ends the job with the run's verdict; `run` is what ARM (or the log) told about it, when known. */
  async function finish(ctx: JobContext<BuildJobData>, data: BuildJobData, verdict: RunVerdict, run?: RunInfo): Promise<void> {
    const runId = data.progress.runId!;
    const finishedAt = (run?.finishTime ?? now()).toISOString();
    const startedAt = (run?.startTime ?? (data.progress.runningSince ? new Date(data.progress.runningSince) : run?.createTime))?.toISOString();
    const canceledBy = verdict === 'canceled' ? await deps.cancels.requestedBy(data.jobId) : undefined;
    const detailByVerdict: Record<RunVerdict, Mrkdwn> = {
      succeeded: md`ACR run ${runId} succeeded.`,
      failed: md`ACR run ${runId} failed.`,
      canceled: canceledBy ? md`ACR run ${runId} was canceled by ${mention(canceledBy)}.` : md`ACR run ${runId} was canceled.`,
      timed_out: md`ACR run ${runId} timed out.`,
    };
    if (verdict === 'failed' || verdict === 'timed_out') {
      const { text, truncatedBytes } = await deps.logs.readAll(await logLink(data, runId), maxAttachedLogBytes);
      const why = verdict === 'timed_out'
        ? { text: `Build timed out: ACR stopped run ${runId} at its time limit.`, hint: 'Raise `--timeout` (up to 28800 seconds) or make the build faster, then run it again.' }
        : explainFailure(text.slice(-8000), run, data.privateSource?.tokenSecret);
      await deps.reporter.post(data.jobId, {
        kind: 'file',
        filename: `build-${runId}.log`,
        title: `Log of ACR run ${runId}${truncatedBytes ? ' (first part cut)' : ''}`,
        content: text || '(the run wrote no log)',
        comment: `${why.text}\n${why.hint}`,
        fullLog: fullLog(data, runId),
      });
    }
    await card(data, verdict, { images: run?.outputImages ?? [], detail: detailByVerdict[verdict], finishedAt, ...(startedAt && { startedAt }) });
    if (verdict === 'succeeded' && data.deployTo) {
      // Dev follows main: before `done` is saved, so a crash here queues the (idempotent) deploy again.
      const followers = taskDeployDepsOf(deps);
      if (followers) await queueTaskDeploy(followers, data, run?.outputImages ?? [], now());
      else ctx.log.error('the worker lacks what deploying a task run needs; not deployed');
    }
    await save(ctx, data, { phase: 'done' });
    ctx.log.info({ runId, verdict }, 'build finished');
  }

  /**
   * A log kept as an artifact cannot be streamed and does not say when the run ends: ARM does,
   * and the log's last part then goes to the thread in one message.
   */
  async function followByArm(ctx: JobContext<BuildJobData>, data: BuildJobData, link: LogLink): Promise<void> {
    const at = now();
    const run = await deps.acr.getRun(data.target, data.progress.runId!);
    const verdict = verdictOfRun(run.status);
    if (!verdict) {
      data = await save(ctx, data, { lastArmCheckAt: at.toISOString(), idlePolls: data.progress.idlePolls + 1 });
      return ctx.wakeAfter(deps.pollIntervalMs * 3);
    }
    const { text, truncatedBytes } = await deps.logs.readAll(link, maxLogBatchChars);
    const lines = text.replace(/\r\n?/g, '\n').trimEnd();
    if (lines) await deps.reporter.post(data.jobId, { kind: 'log', text: lines, ...(truncatedBytes > 0 && { skippedBytes: truncatedBytes }), live: { fullLog: fullLog(data, data.progress.runId!) } });
    return finish(ctx, data, verdict, run);
  }

  async function follow(ctx: JobContext<BuildJobData>, data: BuildJobData): Promise<void> {
    const runId = data.progress.runId!;
    const p = data.progress;
    const link = await logLink(data, runId);
    if (link.artifact) return followByArm(ctx, data, link);
    let chunk: LogChunk;
    try {
      chunk = await deps.logs.read(link.url, p.logOffset, maxReadBytes);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 403) throw err;
      const fresh = await logLink(data, runId, true); // the SAS expired
      chunk = await deps.logs.read(fresh.url, p.logOffset, maxReadBytes);
    }
    const at = now();
    const progress: Partial<BuildProgress> = { logOffset: chunk.nextOffset };
    // ACR writes CRLF line endings; Slack wants \n.
    const text = (p.carry + chunk.text).replace(/\r\n?/g, '\n');
    const cut = chunk.complete ? text.length : text.lastIndexOf('\n') + 1;
    const lines = text.slice(0, cut);
    progress.carry = text.slice(cut);
    if (chunk.text.length > 0) {
      progress.lastLogAt = at.toISOString();
      progress.idlePolls = 0;
      // The first log bytes mark the start; the card already says Running, so no extra Slack edit.
      if (!p.runningSince) progress.runningSince = at.toISOString();
    } else {
      progress.idlePolls = p.idlePolls + 1;
    }
    if (lines.trim().length > 0) {
      const skipped = Math.max(0, lines.length - maxLogBatchChars);
      await deps.reporter.post(data.jobId, { kind: 'log', text: lines.slice(skipped).trimEnd(), ...(skipped > 0 && { skippedBytes: skipped }), live: { fullLog: fullLog(data, runId) } });
    }
    if (chunk.complete) {
      data = await save(ctx, data, progress);
      const outcome = await outcomeFromLog(data, runId, chunk.complete);
      if (outcome) return finish(ctx, data, outcome.verdict, outcome.run);
      // A finished log ARM does not call over yet: look again later rather than guess.
      return ctx.wakeAfter(deps.pollIntervalMs * 2);
    }
    // The log says nothing: ask ARM now and then whether the run is stuck or ended without one.
    const quietSince = Date.parse(p.lastLogAt ?? p.lastArmCheckAt ?? data.queuedAt);
    const lastCheck = Date.parse(p.lastArmCheckAt ?? data.queuedAt);
    if (chunk.text.length === 0 && at.getTime() - quietSince >= armCheckEveryMs && at.getTime() - lastCheck >= armCheckEveryMs) {
      progress.lastArmCheckAt = at.toISOString();
      const run = await deps.acr.getRun(data.target, runId);
      const verdict = verdictOfRun(run.status);
      if (verdict) {
        data = await save(ctx, data, progress);
        return finish(ctx, data, verdict, run);
      }
    }
    await save(ctx, data, progress);
    // Quiet builds are looked at less often; a chatty one at the base interval.
    const idle = progress.idlePolls ?? 0;
    return ctx.wakeAfter(deps.pollIntervalMs * (idle >= 3 ? 2 : 1));
  }

  return async function runBuild(ctx) {
    let data = ctx.data;
    try {
      if (data.progress.phase === 'done') return;
      if (data.progress.phase === 'new' || data.progress.phase === 'scheduling') {
        data = await schedule(ctx, data);
        if (data.progress.phase === 'done') return;
        return await ctx.wakeAfter(deps.pollIntervalMs);
      }
      await follow(ctx, data);
    } catch (err) {
      if (isDelayed(err)) throw err;
      // Throttled: wait as long as Azure asked, without spending one of the job's attempts.
      const retryAfterMs = retryAfterOf(err);
      if (retryAfterMs !== undefined) return await ctx.wakeAfter(retryAfterMs);
      const lastAttempt = ctx.attemptsMade + 1 >= ctx.maxAttempts;
      const ambiguous = err instanceof AmbiguousRunError;
      // A JobStop (a private build's token refused or missing) says what to change; retrying cannot help.
      const stop = err instanceof JobStop;
      if (!ambiguous && !stop && isTransientAzureError(err) && !lastAttempt) throw err; // BullMQ retries with backoff
      const described = ambiguous ? err.described : stop ? { text: err.message, hint: err.hint } : describeAzureError(err, data.target);
      if (!ambiguous && !stop && isTransientAzureError(err)) {
        described.hint = `I tried ${ctx.maxAttempts} times over a few minutes. Run the command again later; if it keeps failing, the platform admin should check the bot’s access to Azure.`;
      }
      ctx.log.warn({ err, transient: isTransientAzureError(err) }, 'build failed');
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await card(data, 'failed', { detail: md`${described.text}`, finishedAt: now().toISOString() });
      await ctx.save({ ...data, progress: { ...data.progress, phase: 'done' } });
    }
  };
}

function isDelayed(err: unknown): boolean {
  return err instanceof Error && err.name === 'DelayedError';
}

/** Progress after a definite refusal of `scheduleRun`: nothing to look for, schedule afresh. */
function notScheduling(data: BuildJobData): BuildJobData {
  const { schedulingSince: _asked, candidates: _seen, ...progress } = data.progress;
  return { ...data, progress: { ...progress, phase: 'new' } };
}

/** Runs that may be this build's own, none provably so: starting another could build twice. */
class AmbiguousRunError extends Error {
  override name = 'AmbiguousRunError';
  readonly described: { text: string; hint: string };
  constructor(runIds: string[]) {
    super(`ambiguous runs ${runIds.join(', ')}`);
    const runs = `${runIds.length === 1 ? 'run' : 'runs'} ${runIds.join(', ')}`;
    this.described = {
      text: `Azure did not say whether this build started, and the bot cannot prove that ${runs}, started at the same moment, ${runIds.length === 1 ? 'is' : 'are'} its own, so it stopped instead of following someone else's build or starting a second one.`,
      hint: `\`/acr logs ${runIds[0]}\` shows a run's log; if none of them is yours, run the same \`/acr build\` again.`,
    };
  }
}
