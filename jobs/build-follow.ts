import type { LogChunk, LogLink, RunInfo } from '../src/core/build/acr-builds.ts';
import { explainFailure } from '../src/core/build/build-card.ts';
import type { BuildJobData, BuildProgress } from '../src/core/build/build-job.ts';
import { verdictOfLog, verdictOfRun, type RunVerdict } from '../src/core/build/run-status.ts';
import { parseRunSummary } from '../src/core/build/run-summary.ts';
import { md, mention, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { fullLog, showBuildCard, type BuildStepDeps } from './build-shared.ts';
import { nowOf, progressed, type StepRun } from './step-runner.ts';
import { queueTaskDeploy, taskDeployDepsOf } from './task-deploy.ts';

type Run = StepRun<BuildJobData>;

/** One log batch in the thread at most this big; the rest is in the file attached on failure. */
const maxLogBatchChars = 3500;
/** Bytes read from the log blob per look. */
const maxReadBytes = 256 * 1024;
/** Largest log attached to the thread as a file. */
const maxAttachedLogBytes = 5 * 1024 * 1024;
/** Ask ARM for the run status only when the log says nothing for this long. */
const armCheckEveryMs = 60_000;

/**
 * The finished run as its log tells it: the blob's `Complete` metadata is the verdict and a
 * successful log ends with the pushed images and their digests (what `az acr build` shows).
 * ARM is asked only when the log lacks that summary, or ends with a value ACR does not
 * document (no verdict: `undefined` if ARM does not call the run over either).
 */
async function outcomeFromLog(
  deps: BuildStepDeps,
  data: BuildJobData,
  runId: string,
  complete: string,
): Promise<{ verdict: RunVerdict; run?: RunInfo } | undefined> {
  const verdict = verdictOfLog(complete);
  if (verdict === undefined) {
    const run = await deps.acr.getRun(data.target, runId);
    const armVerdict = verdictOfRun(run.status);
    return armVerdict && { verdict: armVerdict, run };
  }
  if (verdict !== 'succeeded') return { verdict };
  const { text } = await deps.logs.readAll(await deps.links.get(deps, data, runId), 16 * 1024);
  const summary = parseRunSummary(text);
  if (summary.images.length === 0) return { verdict, run: await deps.acr.getRun(data.target, runId) };
  return { verdict, run: { runId, status: 'Succeeded', outputImages: summary.images } };
}

/** The whole log of a failed run, attached to the thread with what went wrong. */
async function attachFailedLog(deps: BuildStepDeps, data: BuildJobData, verdict: 'failed' | 'timed_out', run?: RunInfo): Promise<void> {
  const runId = data.progress.runId!;
  const { text, truncatedBytes } = await deps.logs.readAll(await deps.links.get(deps, data, runId), maxAttachedLogBytes);
  const why =
    verdict === 'timed_out'
      ? {
          text: `Build timed out: ACR stopped run ${runId} at its time limit.`,
          hint: 'Raise `--timeout` (up to 28800 seconds) or make the build faster, then run it again.',
        }
      : explainFailure(text.slice(-8000), run, data.privateSource?.tokenSecret);
  await deps.reporter.post(data.jobId, {
    kind: 'file',
    filename: `build-${runId}.log`,
    title: `Log of ACR run ${runId}${truncatedBytes ? ' (first part cut)' : ''}`,
    content: text || '(the run wrote no log)',
    comment: `${why.text}\n${why.hint}`,
    fullLog: fullLog(deps, data, runId),
  });
}

/** Ends the job with the run's verdict; `run` is what ARM (or the log) told about it, when known. */
export async function finish(deps: BuildStepDeps, run: Run, data: BuildJobData, verdict: RunVerdict, info?: RunInfo): Promise<BuildJobData> {
  const runId = data.progress.runId!;
  const finishedAt = (info?.finishTime ?? nowOf(deps)).toISOString();
  const startedAt = (info?.startTime ?? (data.progress.runningSince ? new Date(data.progress.runningSince) : info?.createTime))?.toISOString();
  const canceledBy = verdict === 'canceled' ? await deps.cancels.requestedBy(data.jobId) : undefined;
  const detailByVerdict: Record<RunVerdict, Mrkdwn> = {
    succeeded: md`ACR run ${runId} succeeded.`,
    failed: md`ACR run ${runId} failed.`,
    canceled: canceledBy ? md`ACR run ${runId} was canceled by ${mention(canceledBy)}.` : md`ACR run ${runId} was canceled.`,
    timed_out: md`ACR run ${runId} timed out.`,
  };
  if (verdict === 'failed' || verdict === 'timed_out') await attachFailedLog(deps, data, verdict, info);
  await showBuildCard(deps, data, verdict, { images: info?.outputImages ?? [], detail: detailByVerdict[verdict], finishedAt, ...(startedAt && { startedAt }) });
  if (verdict === 'succeeded' && data.deployTo) {
    // Dev follows main: before `done` is saved, so a crash here queues the (idempotent) deploy again.
    const followers = taskDeployDepsOf(deps);
    if (followers) await queueTaskDeploy(followers, data, info?.outputImages ?? [], nowOf(deps));
    else run.log.error('the worker lacks what deploying a task run needs; not deployed');
  }
  const done = await run.save(progressed(data, { phase: 'done' }));
  run.log.info({ runId, verdict }, 'build finished');
  return done;
}

/**
 * A log kept as an artifact cannot be streamed and does not say when the run ends: ARM does,
 * and the log's last part then goes to the thread in one message.
 */
async function followByArm(deps: BuildStepDeps, run: Run, link: LogLink): Promise<BuildJobData> {
  const { data } = run;
  const at = nowOf(deps);
  const info = await deps.acr.getRun(data.target, data.progress.runId!);
  const verdict = verdictOfRun(info.status);
  if (!verdict) {
    await run.save(progressed(data, { lastArmCheckAt: at.toISOString(), idlePolls: data.progress.idlePolls + 1 }));
    return run.wakeAfter(deps.pollIntervalMs * 3);
  }
  const { text, truncatedBytes } = await deps.logs.readAll(link, maxLogBatchChars);
  const lines = text.replace(/\r\n?/g, '\n').trimEnd();
  if (lines)
    await deps.reporter.post(data.jobId, {
      kind: 'log',
      text: lines,
      ...(truncatedBytes > 0 && { skippedBytes: truncatedBytes }),
      live: { fullLog: fullLog(deps, data, data.progress.runId!) },
    });
  return finish(deps, run, data, verdict, info);
}

/** The next part of the log; a SAS link that expired (403) is fetched anew once. */
async function readLog(deps: BuildStepDeps, data: BuildJobData, link: LogLink): Promise<LogChunk> {
  try {
    return await deps.logs.read(link.url, data.progress.logOffset, maxReadBytes);
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 403) throw err;
    const fresh = await deps.links.get(deps, data, data.progress.runId!, true);
    return deps.logs.read(fresh.url, data.progress.logOffset, maxReadBytes);
  }
}

/** The log's whole lines go to the thread; a cut line waits (as `carry`) for its end. */
async function postLines(deps: BuildStepDeps, data: BuildJobData, chunk: LogChunk, at: Date): Promise<Partial<BuildProgress>> {
  const p = data.progress;
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
    await deps.reporter.post(data.jobId, {
      kind: 'log',
      text: lines.slice(skipped).trimEnd(),
      ...(skipped > 0 && { skippedBytes: skipped }),
      live: { fullLog: fullLog(deps, data, p.runId!) },
    });
  }
  return progress;
}

/** Step `following`: one look at the run's log, posted to the thread; the run's end finishes the job. */
export async function follow(deps: BuildStepDeps, run: Run): Promise<BuildJobData> {
  let { data } = run;
  const runId = data.progress.runId!;
  const p = data.progress;
  const link = await deps.links.get(deps, data, runId);
  if (link.artifact) return followByArm(deps, run, link);
  const chunk = await readLog(deps, data, link);
  const at = nowOf(deps);
  const progress = await postLines(deps, data, chunk, at);
  if (chunk.complete) {
    data = await run.save(progressed(data, progress));
    const outcome = await outcomeFromLog(deps, data, runId, chunk.complete);
    if (outcome) return finish(deps, run, data, outcome.verdict, outcome.run);
    // A finished log ARM does not call over yet: look again later rather than guess.
    return run.wakeAfter(deps.pollIntervalMs * 2);
  }
  // The log says nothing: ask ARM now and then whether the run is stuck or ended without one.
  const quietSince = Date.parse(p.lastLogAt ?? p.lastArmCheckAt ?? data.queuedAt);
  const lastCheck = Date.parse(p.lastArmCheckAt ?? data.queuedAt);
  if (chunk.text.length === 0 && at.getTime() - quietSince >= armCheckEveryMs && at.getTime() - lastCheck >= armCheckEveryMs) {
    progress.lastArmCheckAt = at.toISOString();
    const info = await deps.acr.getRun(data.target, runId);
    const verdict = verdictOfRun(info.status);
    if (verdict) return finish(deps, run, await run.save(progressed(data, progress)), verdict, info);
  }
  await run.save(progressed(data, progress));
  // Quiet builds are looked at less often; a chatty one at the base interval.
  const idle = progress.idlePolls ?? 0;
  return run.wakeAfter(deps.pollIntervalMs * (idle >= 3 ? 2 : 1));
}
