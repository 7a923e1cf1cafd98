/**
 * One ACR run and its life: Queued for `queuedMs`, then Running while its log blob grows one
 * write every `logLineIntervalMs`, then a terminal status after `durationMs`.
 *
 * The state is computed from the clock whenever someone looks (ARM GET, blob read, test
 * accessor) instead of being pushed by timers: what a client observes at time t is exactly what
 * timers would have produced, with no timers to leak and no cost for idle runs (the bench
 * follows hundreds of builds at once). Cancellation and `completeRun` cut the schedule short.
 */
import { closingLines, planBuildLog, renderLine } from './build-log.ts';
import type { BuildImage, FinalStatus, LogLine } from './build-log.ts';
import type { EmulatedRegistry } from './registry.ts';

/** Every status a run can have (2019-06-01-preview `RunStatus`, containerregistry_build.json in Azure/azure-rest-api-specs). */
export type RunStatus = 'Queued' | 'Started' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Error' | 'Timeout';

/** How a run came about (2019-06-01-preview `RunType`): `az acr build`, `az acr run` / a manual task run, a triggered Docker task, a triggered multi-step task. */
export type RunType = 'QuickBuild' | 'QuickRun' | 'AutoBuild' | 'AutoRun';

/**
 * What triggered a run from a source (git) event (`SourceTriggerDescriptor`, containerregistry_build.json).
 * It has no commit message: ACR does not report one.
 */
export interface SourceTriggerDescriptor {
  id?: string;
  eventType?: string;
  commitId?: string;
  pullRequestId?: string;
  repositoryUrl?: string;
  branchName?: string;
  providerType?: string;
}

/** A registry image as ACR reports it (`ImageDescriptor`). */
export interface ImageDescriptor {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** The base-image update that triggered a run (`ImageUpdateTrigger`; RunsGet.json / RunsList.json examples). */
export interface ImageUpdateTrigger {
  id: string;
  /** ISO 8601: when the base image was updated. */
  timestamp: string;
  images: ImageDescriptor[];
}

/** The timer occurrence that triggered a run (`TimerTriggerDescriptor`). */
export interface TimerTriggerDescriptor {
  timerTriggerName: string;
  /** ISO 8601 (the format is assumed: the spec says only "the occurrence that triggered the run"). */
  scheduleOccurrence: string;
}

/** Where a run comes from, besides its request: quick builds have none of this. */
export interface RunOrigin {
  runType: RunType;
  /** The task's name, for task runs. */
  task?: string;
  /** At most one trigger: none for quick builds and manual task runs (az shows them as `Manual`). */
  sourceTrigger?: SourceTriggerDescriptor;
  imageUpdateTrigger?: ImageUpdateTrigger;
  timerTrigger?: TimerTriggerDescriptor;
}

/** How a run ends when nobody cancels it. */
export type RunOutcome = 'Succeeded' | 'Failed' | 'Timeout' | 'Error';

/** What the next run(s) will do; see `AcrEmulator.nextRunScenario`. */
export interface RunScenario {
  outcome: RunOutcome;
  /** Running time, default the emulator's `buildDurationMs`. */
  durationMs?: number;
  /** Time spent Queued, default the emulator's `queuedMs`. */
  queuedMs?: number;
  /** Replaces the generated Docker build output in the log. */
  logLines?: string[];
  /** `runErrorMessage` (and the log's closing line) for Failed / Timeout / Error. */
  errorMessage?: string;
  /** `source`: the run fails while downloading its git context (see private-repos.ts). */
  failsAt?: 'source';
  /** Writes this `Complete` metadata instead of the one ACR writes for the outcome (a value a client may not know). */
  completeMetadata?: string;
}

/**
 * The `Complete` metadata ACR sets on the log blob when a run ends: a vocabulary of its own, not
 * ARM's `RunStatus`. `successful`: Azure/azure-acr-plugin util/Constants.java (`BUILD_SUCCEEDED`);
 * `failed`, `internalerror`, `timedout`, `canceled`: Azure/azure-cli acr/_stream_utils.py
 * (`_stream_logs`, `raise_error_on_failure`). Which ARM status goes with which value is assumed.
 */
export type LogCompletion = 'successful' | 'failed' | 'internalerror' | 'timedout' | 'canceled';

export const COMPLETE_METADATA: Record<FinalStatus, LogCompletion> = {
  Succeeded: 'successful',
  Failed: 'failed',
  Canceled: 'canceled',
  Timeout: 'timedout',
  Error: 'internalerror',
};

// The finished set az waits for (Azure/azure-cli acr/_run_polling.py, `FINISHED`).
const TERMINAL = new Set<RunStatus>(['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout']);

/** The append blob holding the run's log. */
export interface LogBlob {
  data: Buffer;
  createdAt: number;
  lastModified: number;
  /** Bumped on every change, for the ETag. */
  version: number;
  /** Number of append operations (`x-ms-blob-committed-block-count`). */
  appends: number;
  /** `Complete` metadata, set once the run is terminal. */
  complete?: LogCompletion | string;
}

/**
 * The DockerBuildRequest fields the emulator uses (wire names). Task runs carry the same fields,
 * taken from the task's step, with `type: 'TaskRunRequest'`.
 */
export interface DockerBuildRequest {
  type: 'DockerBuildRequest' | 'TaskRunRequest';
  imageNames?: string[];
  isPushEnabled?: boolean;
  noCache?: boolean;
  dockerFilePath: string;
  target?: string;
  arguments?: { name: string; value: string; isSecret?: boolean }[];
  timeout?: number;
  platform: { os: string; architecture?: string; variant?: string };
  agentConfiguration?: { cpu?: number };
  sourceLocation?: string;
  isArchiveEnabled?: boolean;
  agentPoolName?: string;
  /** Task runs only: the task step's git credential (never on a DockerBuildRequest). */
  contextAccessToken?: string;
  /** Where the run's log goes as an artifact (RunRequest.logTemplate), e.g. `acr/tasks:{{.Run.OS}}`. */
  logTemplate?: string;
}

/** A run as the emulator keeps it. */
export interface EmulatedRun {
  runId: string;
  /** Creation order across the emulator, for listing newest first and for paging. */
  seq: number;
  registry: EmulatedRegistry;
  request: DockerBuildRequest;
  /** `QuickBuild` unless the run comes from a task. */
  origin: RunOrigin;
  images: BuildImage[];
  createdAt: number;
  startAt: number;
  durationMs: number;
  intervalMs: number;
  outcome: RunOutcome;
  errorMessage?: string;
  failsAt?: 'source';
  /** Overrides the `Complete` value of a run that ends with its planned outcome. */
  completeMetadata?: string;
  /** A cancellation or forced completion that ends the run before its natural end. */
  end?: { status: FinalStatus; at: number };
  status: RunStatus;
  startTime?: number;
  finishTime?: number;
  lastUpdated: number;
  runErrorMessage?: string;
  isArchiveEnabled: boolean;
  plan: LogLine[];
  /** How many plan lines are in the blob. */
  written: number;
  ticks: number;
  blob?: LogBlob;
  /** Issued log SAS signatures → their `se` and expiry. */
  sas: Map<string, { se: string; expiresAt: number }>;
  /** Called for each image when a pushing run succeeds, with the time of its push. */
  onPushed?: (image: BuildImage, at: number) => void;
}

/** Whether a run is over (Succeeded, Failed, Canceled, Error or Timeout). */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status);
}

/** Creates a Queued run. */
export function createRun(init: {
  runId: string;
  seq: number;
  registry: EmulatedRegistry;
  request: DockerBuildRequest;
  images: BuildImage[];
  now: number;
  queuedMs: number;
  durationMs: number;
  intervalMs: number;
  scenario: RunScenario;
  /** Default `{ runType: 'QuickBuild' }`. */
  origin?: RunOrigin;
  onPushed?: (image: BuildImage, at: number) => void;
}): EmulatedRun {
  const intervalMs = Math.max(1, init.intervalMs);
  const ticks = Math.max(1, Math.ceil(init.durationMs / intervalMs));
  const plan = planBuildLog({
    runId: init.runId,
    loginServer: init.registry.loginServer,
    images: init.images,
    sourceLocation: init.request.sourceLocation ?? '',
    push: init.request.isPushEnabled ?? true,
    outcome: init.scenario.outcome,
    ...(init.scenario.failsAt && { failsAt: init.scenario.failsAt }),
    minLines: ticks,
    ...(init.scenario.logLines && { customLines: init.scenario.logLines }),
  });
  return {
    runId: init.runId,
    seq: init.seq,
    registry: init.registry,
    request: init.request,
    origin: init.origin ?? { runType: 'QuickBuild' },
    images: init.images,
    createdAt: init.now,
    startAt: init.now + init.queuedMs,
    durationMs: init.durationMs,
    intervalMs,
    outcome: init.scenario.outcome,
    ...(init.scenario.errorMessage !== undefined && { errorMessage: init.scenario.errorMessage }),
    ...(init.scenario.failsAt && { failsAt: init.scenario.failsAt }),
    ...(init.scenario.completeMetadata !== undefined && { completeMetadata: init.scenario.completeMetadata }),
    status: 'Queued',
    lastUpdated: init.now,
    isArchiveEnabled: init.request.isArchiveEnabled ?? false,
    plan,
    written: 0,
    ticks,
    sas: new Map(),
    ...(init.onPushed && { onPushed: init.onPushed }),
  };
}

function append(run: EmulatedRun, text: string, at: number): void {
  const blob = run.blob ?? { data: Buffer.alloc(0), createdAt: at, lastModified: at, version: 0, appends: 0 };
  run.blob = blob;
  if (text) {
    blob.data = Buffer.concat([blob.data, Buffer.from(text, 'utf8')]);
    blob.appends += 1;
  }
  blob.lastModified = Math.max(blob.lastModified, at);
  blob.version += 1;
}

/** When plan line `k` (0-based) is due: lines are spread evenly over the run's write ticks. */
function dueAt(run: EmulatedRun, k: number): number {
  const tick = Math.ceil(((k + 1) * run.ticks) / run.plan.length) - 1;
  return run.startAt + Math.max(0, tick) * run.intervalMs;
}

/**
 * Appends the plan lines due by `until`, each stamped with the time of its write tick (at most
 * `latest`). From the natural end on, every remaining line is due.
 */
function writeDueLines(run: EmulatedRun, until: number, latest = run.startAt + run.durationMs): void {
  if (until < run.startAt) return;
  const natural = run.startAt + run.durationMs;
  let text = '';
  let at = run.blob?.lastModified ?? run.startAt;
  while (run.written < run.plan.length) {
    const due = dueAt(run, run.written);
    if (due > until && until < natural) break;
    at = Math.min(due, latest);
    text += renderLine(run.plan[run.written]!, at);
    run.written += 1;
  }
  if (text || !run.blob) append(run, text, at);
}

function finish(run: EmulatedRun, status: FinalStatus, at: number): void {
  const started = run.startTime !== undefined;
  const lines = closingLines({
    runId: run.runId,
    status,
    elapsedMs: at - (started ? run.startAt : run.createdAt),
    loginServer: run.registry.loginServer,
    images: run.images,
    sourceLocation: run.request.sourceLocation ?? '',
    push: run.request.isPushEnabled ?? true,
    errorMessage: run.errorMessage,
    ...(run.failsAt && { failsAt: run.failsAt }),
  });
  append(run, lines.map((l) => renderLine(l, at)).join(''), at);
  run.blob!.complete = status === run.outcome && run.completeMetadata !== undefined ? run.completeMetadata : COMPLETE_METADATA[status];
  run.status = status;
  run.finishTime = at;
  run.lastUpdated = at;
  // What a successful run pushed is in the registry from then on, under the digest its log and
  // `outputImages` report (Run.outputImages: "the list of all images that were generated from the run").
  if (status === 'Succeeded' && (run.request.isPushEnabled ?? true)) for (const image of run.images) run.onPushed?.(image, at);
  // "failed during run, err: exit status 1" is quoted in Azure/azure-cli#28151; the Timeout and Error texts are assumed.
  if (status === 'Failed') run.runErrorMessage = run.errorMessage ?? 'failed during run, err: exit status 1';
  if (status === 'Timeout') run.runErrorMessage = run.errorMessage ?? 'failed during run, err: context deadline exceeded';
  if (status === 'Error') run.runErrorMessage = run.errorMessage ?? 'Internal error while running the build';
}

/** Brings the run up to date with the clock. Idempotent; cheap once the run is terminal. */
export function advance(run: EmulatedRun, now: number): void {
  if (isTerminal(run.status)) return;
  const natural = run.startAt + run.durationMs;
  const cut = run.end && run.end.at < natural ? run.end : undefined;
  const endAt = cut ? cut.at : natural;
  const endStatus: FinalStatus = cut ? cut.status : run.outcome;
  if (now >= run.startAt && run.startAt < endAt) {
    if (run.startTime === undefined) {
      run.status = 'Running';
      run.startTime = run.startAt;
      run.lastUpdated = run.startAt;
    }
    writeDueLines(run, Math.min(now, endAt));
  }
  if (now < endAt) return;
  // A run forced to succeed early still shows its whole build and push in the log.
  if (endStatus === 'Succeeded' && run.startTime !== undefined) writeDueLines(run, natural, endAt);
  finish(run, endStatus, endAt);
}

/** Ends the run at `at` with `status` (cancellation, forced completion), unless it ends earlier anyway. */
export function endRun(run: EmulatedRun, status: FinalStatus, at: number, now: number): void {
  advance(run, now);
  if (isTerminal(run.status)) return;
  if (!run.end || at < run.end.at) run.end = { status, at };
  advance(run, now);
}

/**
 * A run on the wire (`Run`, api-version 2019-06-01-preview; RunsGet.json example); only the fields
 * the emulator sets. `outputImages` only once a pushing run succeeded, and the default agent of 2
 * CPUs, are assumed.
 */
export interface RunJson {
  type: 'Microsoft.ContainerRegistry/registries/runs';
  id: string;
  name: string;
  properties: {
    runId: string;
    status: RunStatus;
    lastUpdatedTime: string;
    runType: RunType;
    createTime: string;
    startTime?: string;
    finishTime?: string;
    outputImages?: { registry: string; repository: string; tag: string; digest: string }[];
    /** The task's name, for task runs. */
    task?: string;
    /** For runs a source (git) event triggered. */
    sourceTrigger?: SourceTriggerDescriptor;
    /** For runs a base-image update triggered. */
    imageUpdateTrigger?: ImageUpdateTrigger;
    /** For runs a timer triggered. */
    timerTrigger?: TimerTriggerDescriptor;
    platform: DockerBuildRequest['platform'];
    agentConfiguration: { cpu: number };
    agentPoolName?: string;
    runErrorMessage?: string;
    isArchiveEnabled: boolean;
    provisioningState: 'Succeeded';
  };
}

/** The run as ARM returns it. */
export function runJson(run: EmulatedRun): RunJson {
  const iso = (ms: number) => new Date(ms).toISOString();
  const properties: RunJson['properties'] = {
    runId: run.runId,
    status: run.status,
    lastUpdatedTime: iso(run.lastUpdated),
    runType: run.origin.runType,
    createTime: iso(run.createdAt),
    ...(run.startTime !== undefined && { startTime: iso(run.startTime) }),
    ...(run.finishTime !== undefined && { finishTime: iso(run.finishTime) }),
    ...(run.status === 'Succeeded' &&
      (run.request.isPushEnabled ?? true) && {
        outputImages: run.images.map((i) => ({ registry: run.registry.loginServer, repository: i.repository, tag: i.tag, digest: i.digest })),
      }),
    ...(run.origin.task !== undefined && { task: run.origin.task }),
    ...(run.origin.sourceTrigger && { sourceTrigger: run.origin.sourceTrigger }),
    ...(run.origin.imageUpdateTrigger && { imageUpdateTrigger: run.origin.imageUpdateTrigger }),
    ...(run.origin.timerTrigger && { timerTrigger: run.origin.timerTrigger }),
    platform: run.request.platform,
    agentConfiguration: { cpu: run.request.agentConfiguration?.cpu ?? 2 },
    ...(run.request.agentPoolName && { agentPoolName: run.request.agentPoolName }),
    ...(run.runErrorMessage && { runErrorMessage: run.runErrorMessage }),
    isArchiveEnabled: run.isArchiveEnabled,
    provisioningState: 'Succeeded',
  };
  return {
    type: 'Microsoft.ContainerRegistry/registries/runs',
    properties: structuredClone(properties),
    id: `${run.registry.id}/runs/${run.runId}`,
    name: run.runId,
  };
}
