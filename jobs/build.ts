import type { AcrBuilds, LogReader, RunClaims, RunInfo } from '../src/core/build/acr-builds.ts';
import { finishedRunStatuses } from '../src/core/build/acr-builds.ts';
import { buildCard, explainFailure, statusOfRun } from '../src/core/build/build-card.ts';
import { parseRunSummary } from '../src/core/build/run-summary.ts';
import type { BuildJobData, BuildProgress } from '../src/core/build/build-job.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import type { CancelRequests } from '../src/core/job-queue.ts';
import { describeAzureError, isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import { md, mention, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { portalResourceUrl, registryResourceId } from '../src/core/registry-ref.ts';

export interface BuildJobDeps {
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
/** A log URL is a SAS capability: cached in memory only, never persisted, refreshed after this. */
const logUrlTtlMs = 30 * 60_000;

/**
 * The `build` job: `az acr build` from a git context. Steps are saved in the job data
 * before each side effect, so a retried or restarted job resumes the same ACR run.
 */
export function createBuildJob(deps: BuildJobDeps): JobHandler<BuildJobData> {
  const now = deps.now ?? (() => new Date());
  const logUrls = new Map<string, { url: string; at: number }>();

  async function logUrl(data: BuildJobData, runId: string, refresh = false): Promise<string> {
    const cached = logUrls.get(runId);
    if (cached && !refresh && now().getTime() - cached.at < logUrlTtlMs) return cached.url;
    const url = await deps.acr.getLogUrl(data.target, runId);
    logUrls.set(runId, { url, at: now().getTime() });
    // Bounded: a worker follows hundreds of builds, not millions.
    if (logUrls.size > 5000) logUrls.delete(logUrls.keys().next().value!);
    return url;
  }

  function card(data: BuildJobData, status: JobStatus, extra: { detail?: Mrkdwn; run?: RunInfo; startedAt?: string; finishedAt?: string } = {}) {
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
      run = await adoptLostRun(ctx, data);
      if (!run && data.progress.phase === 'scheduling') ctx.log.info('no run found from the interrupted attempt; scheduling again');
    }
    if (!run) {
      data = await save(ctx, data, { phase: 'scheduling', schedulingSince: now().toISOString() });
      run = data.task ? await deps.acr.scheduleTaskRun(data.target, data.task.name) : await deps.acr.scheduleDockerBuild(data.target, data.spec!);
    }
    // The run id is saved before anything else: from here on a retry follows this run.
    data = await save(ctx, data, { phase: 'following', runId: run.runId, lastArmCheckAt: now().toISOString() });
    await deps.claims.claim(registryKey(data), run.runId, data.jobId);
    ctx.log.info({ runId: run.runId, registry: data.target.registry }, 'ACR run scheduled');
    await card(data, 'running', { run, detail: md`ACR run ${run.runId} started in ${data.target.registry}.` });
    if (await deps.cancels.requestedBy(data.jobId)) await deps.acr.cancelRun(data.target, run.runId);
    return data;
  }

  /** After a crash between `scheduleRun` and saving its id: find that run instead of starting a second one. */
  async function adoptLostRun(ctx: JobContext<BuildJobData>, data: BuildJobData): Promise<RunInfo | undefined> {
    const since = new Date(Date.parse(data.progress.schedulingSince!) - 5_000);
    const recent = (await deps.acr.listRunsSince(data.target, since, data.task?.name)).filter((r) => !r.createTime || r.createTime >= since);
    // Runs other jobs have claimed are theirs; what is left can only be ours.
    const owners = await Promise.all(recent.map((r) => deps.claims.ownerOf(registryKey(data), r.runId)));
    const runs = recent.filter((_, i) => owners[i] === undefined || owners[i] === data.jobId);
    if (runs.length === 1 && (await deps.claims.claim(registryKey(data), runs[0]!.runId, data.jobId))) {
      ctx.log.info({ runId: runs[0]!.runId }, 'adopting the run started before the interruption');
      return runs[0];
    }
    if (runs.length >= 1) {
      throw new AmbiguousRunError(runs.map((r) => r.runId));
    }
    return undefined;
  }

  /**
   * The finished run as its log tells it: the blob's `Complete` metadata is the verdict and a
   * successful log ends with the pushed images and their digests (what `az acr build` shows).
   * ARM is asked only when the log lacks that summary.
   */
  async function runFromLog(data: BuildJobData, runId: string, complete: string): Promise<RunInfo> {
    const status = statusOfRun(complete);
    if (status !== 'succeeded') return { runId, status: complete, outputImages: [] };
    const { text } = await deps.logs.readAll(await logUrl(data, runId), 16 * 1024);
    const summary = parseRunSummary(text);
    if (summary.images.length === 0) return deps.acr.getRun(data.target, runId);
    return { runId, status: 'Succeeded', outputImages: summary.images };
  }

  async function finish(ctx: JobContext<BuildJobData>, data: BuildJobData, run: RunInfo): Promise<void> {
    const status = statusOfRun(run.status);
    const finishedAt = (run.finishTime ?? now()).toISOString();
    const startedAt = (run.startTime ?? (data.progress.runningSince ? new Date(data.progress.runningSince) : run.createTime))?.toISOString();
    const canceledBy = status === 'canceled' ? await deps.cancels.requestedBy(data.jobId) : undefined;
    const detailByStatus: Record<string, Mrkdwn> = {
      succeeded: md`ACR run ${run.runId} succeeded.`,
      failed: md`ACR run ${run.runId} failed.`,
      canceled: canceledBy ? md`ACR run ${run.runId} was canceled by ${mention(canceledBy)}.` : md`ACR run ${run.runId} was canceled.`,
      timed_out: md`ACR run ${run.runId} timed out.`,
    };
    if (status === 'failed' || status === 'timed_out') {
      const { text, truncatedBytes } = await deps.logs.readAll(await logUrl(data, run.runId), maxAttachedLogBytes);
      const why = status === 'timed_out'
        ? { text: `Build timed out: ACR stopped run ${run.runId} at its time limit.`, hint: 'Raise `--timeout` (up to 28800 seconds) or make the build faster, then run it again.' }
        : explainFailure(run, text.slice(-8000));
      await deps.reporter.post(data.jobId, {
        kind: 'file',
        filename: `build-${run.runId}.log`,
        title: `Log of ACR run ${run.runId}${truncatedBytes ? ' (first part cut)' : ''}`,
        content: text || '(the run wrote no log)',
        comment: `${why.text}\n${why.hint}`,
        fullLog: fullLog(data, run.runId),
      });
    }
    await card(data, status, { run, detail: detailByStatus[status] ?? md`ACR run ${run.runId}: ${run.status}.`, finishedAt, ...(startedAt && { startedAt }) });
    await save(ctx, data, { phase: 'done' });
    ctx.log.info({ runId: run.runId, status }, 'build finished');
  }

  async function follow(ctx: JobContext<BuildJobData>, data: BuildJobData): Promise<void> {
    const runId = data.progress.runId!;
    const p = data.progress;
    let url = await logUrl(data, runId);
    let chunk;
    try {
      chunk = await deps.logs.read(url, p.logOffset, maxReadBytes);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 403) throw err;
      url = await logUrl(data, runId, true); // the SAS expired
      chunk = await deps.logs.read(url, p.logOffset, maxReadBytes);
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
      return finish(ctx, data, await runFromLog(data, runId, chunk.complete));
    }
    // The log says nothing: ask ARM now and then whether the run is stuck or ended without one.
    const quietSince = Date.parse(p.lastLogAt ?? p.lastArmCheckAt ?? data.queuedAt);
    const lastCheck = Date.parse(p.lastArmCheckAt ?? data.queuedAt);
    if (chunk.text.length === 0 && at.getTime() - quietSince >= armCheckEveryMs && at.getTime() - lastCheck >= armCheckEveryMs) {
      progress.lastArmCheckAt = at.toISOString();
      const run = await deps.acr.getRun(data.target, runId);
      if (finishedRunStatuses.has(run.status)) {
        data = await save(ctx, data, progress);
        return finish(ctx, data, run);
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
      if (!ambiguous && isTransientAzureError(err) && !lastAttempt) throw err; // BullMQ retries with backoff
      const described = ambiguous ? err.described : describeAzureError(err, data.target);
      if (!ambiguous && isTransientAzureError(err)) {
        described.hint = `I tried ${ctx.maxAttempts} times over a few minutes. Run the command again later; if it keeps failing, the platform admin should check the bot’s access to Azure.`;
      }
      ctx.log.warn({ err, transient: isTransientAzureError(err) }, 'build failed');
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await card(data, 'failed', { detail: md`${described.text}`, finishedAt: now().toISOString() });
      await ctx.save({ ...data, progress: { ...data.progress, phase: 'done' } });
    }
  };
}

function registryKey(data: BuildJobData): string {
  return `${data.target.subscriptionId}/${data.target.resourceGroup}/${data.target.registry}`;
}

function isDelayed(err: unknown): boolean {
  return err instanceof Error && err.name === 'DelayedError';
}

/** More than one run appeared while we were not looking: starting another could double-build. */
class AmbiguousRunError extends Error {
  override name = 'AmbiguousRunError';
  readonly described: { text: string; hint: string };
  constructor(runIds: string[]) {
    super(`ambiguous runs ${runIds.join(', ')}`);
    this.described = {
      text: `The bot was interrupted while starting this build and cannot tell which of the runs ${runIds.join(', ')} is its own, so it did not start another.`,
      hint: 'Check those runs in the Azure portal (or `/acr build` again if none is yours).',
    };
  }
}
