import type { AcrBuilds, LogReader, RunClaims, RunInfo } from '../src/core/build/acr-builds.ts';
import type { BuildJobData } from '../src/core/build/build-job.ts';
import { privateBuildTaskName } from './private-build.ts';
import { decideAdoption, judgeRun, type Adoption } from '../src/core/build/run-ownership.ts';

export interface LostRunDeps {
  acr: AcrBuilds;
  logs: LogReader;
  claims: RunClaims;
}

/** How far a lost run's creation may lie from the moment the job asked: clocks differ, a request takes time. */
const windowBeforeMs = 5_000;
const windowAfterMs = 5 * 60_000;
/** Enough of a candidate's log for the image names: its head (the login server) and its tail. */
const headBytes = 8 * 1024;
const tailBytes = 64 * 1024;

/**
 * After `scheduleRun` left its outcome unknown: the runs created around that moment which no
 * other job has claimed, each judged by what it shows of itself (see run-ownership.ts).
 */
export async function lookForLostRun(deps: LostRunDeps, data: BuildJobData, registryKey: string): Promise<{ adoption: Adoption; runs: RunInfo[] }> {
  const asked = Date.parse(data.progress.schedulingSince!);
  const recent = (
    await deps.acr.listRunsSince(data.target, new Date(asked - windowBeforeMs), data.task?.name ?? (data.privateSource && privateBuildTaskName(data.jobId)))
  ).filter((r) => !r.createTime || r.createTime.getTime() <= asked + windowAfterMs);
  const owners = await Promise.all(recent.map((r) => deps.claims.ownerOf(registryKey, r.runId)));
  const runs = recent.filter((_, i) => owners[i] === undefined || owners[i] === data.jobId);
  const judged = await Promise.all(runs.map(async (run) => ({ runId: run.runId, ownership: judgeRun(data.spec, run, await logOf(deps, data, run)) })));
  return { adoption: decideAdoption(judged), runs };
}

async function logOf(deps: LostRunDeps, data: BuildJobData, run: RunInfo): Promise<string> {
  if (!data.spec) return ''; // a task's manual runs all look alike: nothing in the log tells them apart
  const link = await deps.acr.getLogLink(data.target, run.runId);
  if (link.artifact) return (await deps.logs.readAll(link, tailBytes)).text;
  const head = await deps.logs.read(link.url, 0, headBytes);
  if (!head.exists) return '';
  const tail = await deps.logs.readAll(link, tailBytes);
  return tail.truncatedBytes > 0 ? `${head.text}\n${tail.text}` : tail.text;
}
