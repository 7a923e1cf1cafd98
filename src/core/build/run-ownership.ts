/**
 * Telling a job's own ACR run from anyone else's after `scheduleRun` left the outcome unknown
 * (no answer, a dropped connection, a 5xx). ACR has no idempotency key for `scheduleRun`, so the
 * only proof is what the run shows of itself: its platform (on the run resource) and the image
 * names it builds (in its log, and in `outputImages` once pushed). ACR shows neither the source
 * URL nor the Dockerfile of a quick build, so those cannot be compared.
 */
import { AzureOperationError } from '../azure-errors.ts';
import type { DockerBuildSpec, RunImage, RunInfo } from './acr-builds.ts';
import { verdictOfRun } from './run-status.ts';
import { parseRunSummary } from './run-summary.ts';

/**
 * Whether a `scheduleRun` failure is a definite refusal, after which nothing was started (a 4xx,
 * 429 included): the job schedules again. Anything else (no answer, a reset, a 5xx) may have
 * started a run, which the job must find before it starts another.
 */
export function scheduleWasRefused(err: unknown): boolean {
  return err instanceof AzureOperationError && err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500;
}

/**
 * What one look at a candidate run says: `ours` (proven), `not-ours` (disproven), `not-yet`
 * (it has not shown enough so far), `unprovable` (it is over and never showed enough).
 */
export type Ownership = 'ours' | 'not-ours' | 'not-yet' | 'unprovable';

/** What the job does about the candidates it found. */
export type Adoption =
  | { kind: 'adopt'; runId: string }
  /** None of them is ours: the lost request started nothing; schedule again. */
  | { kind: 'none' }
  /** Some have not shown enough yet: look again later. */
  | { kind: 'wait'; runIds: string[] }
  /** Ours may be among them but it cannot be told which: say so, and stop. */
  | { kind: 'unsure'; runIds: string[] };

/** Where a run comes from besides a person's request: a commit, a base image update, a timer. */
function triggered(run: RunInfo): boolean {
  return run.trigger !== undefined || run.runType === 'AutoBuild' || run.runType === 'AutoRun';
}

/**
 * Whether `run` is the quick build `spec` asked for, from the run and the text of its log so
 * far (`log`, blank before it starts). Without a `spec` (a run of an ACR task, whose manual runs
 * all look alike) a run is never proven ours, only disproven when something triggered it.
 */
export function judgeRun(spec: DockerBuildSpec | undefined, run: RunInfo, log: string): Ownership {
  const over = verdictOfRun(run.status) !== undefined;
  if (triggered(run)) return 'not-ours';
  if (!spec) return 'unprovable';
  if (run.platform && !samePlatform(run.platform, spec.platform)) return 'not-ours';
  const expected = new Set(spec.images.map((i) => imageKey(i.replaceAll('{{.Run.ID}}', run.runId))));
  const seen = imagesIn(run, log);
  if ([...seen].some((i) => !expected.has(i))) return 'not-ours';
  if (run.platform && [...expected].every((i) => seen.has(i))) return 'ours';
  return over ? 'unprovable' : 'not-yet';
}

/** The decision over every candidate nobody else has claimed. */
export function decideAdoption(judged: readonly { runId: string; ownership: Ownership }[]): Adoption {
  const ids = (o: Ownership) => judged.filter((j) => j.ownership === o).map((j) => j.runId);
  const [ours, open, unprovable] = [ids('ours'), ids('not-yet'), ids('unprovable')];
  // One request went out, so one proven run is it; an identical one still building could be too.
  if (open.length > 0) return { kind: 'wait', runIds: [...ours, ...open, ...unprovable] };
  if (ours.length === 1) return { kind: 'adopt', runId: ours[0]! };
  if (ours.length === 0 && unprovable.length === 0) return { kind: 'none' };
  return { kind: 'unsure', runIds: [...ours, ...unprovable] };
}

function samePlatform(run: NonNullable<RunInfo['platform']>, spec: DockerBuildSpec['platform']): boolean {
  const norm = (v: string | undefined) => (v ?? '').toLowerCase();
  return norm(run.os) === norm(spec.os) && norm(run.architecture ?? 'amd64') === norm(spec.architecture) && norm(run.variant) === norm(spec.variant);
}

/** `repo:tag` in lower case, `latest` when no tag is given (Docker's default). */
function imageKey(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return (colon > slash ? ref : `${ref}:latest`).toLowerCase();
}

/**
 * The images a run shows it builds: ACR's agent names the registry it logs in to, then each
 * image it pushes ("Pushing image: <login server>/<repo>:<tag>, attempt 1"); Docker names each
 * tag it builds ("Successfully tagged …"); the closing summary and `outputImages` list them
 * (learn.microsoft.com, "Quickstart: Build and run a container image using Azure Container
 * Registry Tasks", sample output).
 */
function imagesIn(run: RunInfo, log: string): Set<string> {
  const seen = new Set<string>();
  const fromImage = (i: RunImage) => i.repository && seen.add(imageKey(`${i.repository}${i.tag ? `:${i.tag}` : ''}`));
  for (const i of [...run.outputImages, ...parseRunSummary(log).images]) fromImage(i);
  const loginServer = /(?:Logging in to registry:|Successfully logged into) (\S+)/.exec(log)?.[1];
  if (loginServer) {
    const prefix = `${loginServer.toLowerCase()}/`;
    for (const m of log.matchAll(/(?:Successfully tagged |Pushing image: )(\S+?)(?:,|\s|$)/gm)) {
      const ref = m[1]!.toLowerCase();
      if (ref.startsWith(prefix)) seen.add(imageKey(ref.slice(prefix.length)));
    }
  }
  return seen;
}
