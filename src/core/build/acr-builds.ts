import type { RegistryRef } from '../registry-ref.ts';
import type { AcrRunStatus, LogCompletion } from './run-status.ts';
import type { RunTrigger } from './run-trigger.ts';

export interface RunImage {
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
}

export interface RunInfo {
  runId: string;
  /** `QuickBuild`, `AutoBuild` (task), … */
  runType?: string;
  taskName?: string;
  trigger?: string;
  /** What started the run, when it is a task's run (a commit, a base image, a timer, the portal). */
  triggeredBy?: RunTrigger;
  status: AcrRunStatus | string;
  createTime?: Date;
  startTime?: Date;
  finishTime?: Date;
  outputImages: RunImage[];
  errorMessage?: string;
  /** The platform the run builds for, as ARM reports it. */
  platform?: { os: string; architecture?: string; variant?: string };
}

/** What the job asks ACR to build (the `az acr build` flags, resolved). */
export interface DockerBuildSpec {
  images: string[];
  file: string;
  buildArgs: { name: string; value: string }[];
  platform: { os: 'Linux' | 'Windows'; architecture: string; variant?: string };
  noCache: boolean;
  timeoutSeconds?: number;
  target?: string;
  /** ACR `sourceLocation`: a git URL with optional `#ref:subfolder`. */
  sourceLocation: string;
}

/** Port over ACR's build and run API; the Azure adapter implements it, tests may fake it. */
export interface AcrBuilds {
  scheduleDockerBuild(ref: RegistryRef, spec: DockerBuildSpec): Promise<RunInfo>;
  /** Runs an ACR task now (`az acr task run`). */
  scheduleTaskRun(ref: RegistryRef, taskName: string): Promise<RunInfo>;
  getRun(ref: RegistryRef, runId: string): Promise<RunInfo>;
  /** Quick builds (or, with `taskName`, that task's runs) created at or after `since`, newest first. */
  listRunsSince(ref: RegistryRef, since: Date, taskName?: string): Promise<RunInfo[]>;
  /**
   * One page (at most `top`) of the latest runs of these tasks, newest first: one ARM call
   * (`runs.list` with `TaskName eq … or …`), never a second page.
   */
  listTaskRuns(ref: RegistryRef, taskNames: readonly string[], top: number): Promise<RunInfo[]>;
  /** Recent runs of every kind (quick builds and task runs), newest first. */
  listRuns(ref: RegistryRef, options: { top: number; status?: string }): Promise<RunInfo[]>;
  cancelRun(ref: RegistryRef, runId: string): Promise<void>;
  /** Where the run's log can be read. */
  getLogLink(ref: RegistryRef, runId: string): Promise<LogLink>;
}

/**
 * A run's log, as `listLogSasUrl` hands it out. The URL is a capability (a SAS): never log or
 * persist it. ACR gives `logArtifactLink` instead of the append blob when the log is kept in the
 * registry; `az` then reads it whole with one GET (acr/_stream_utils.py, `stream_logs`).
 */
export interface LogLink {
  url: string;
  /** The log kept as an artifact: read whole, it cannot be streamed or say when the run ends. */
  artifact: boolean;
}

/** One incremental read of a run's log. */
export interface LogChunk {
  /** False while the run has not started writing its log. */
  exists: boolean;
  text: string;
  nextOffset: number;
  /**
   * Set once the run finished: the blob's `Complete` metadata, lower-cased. ACR's own vocabulary
   * (`successful`, `failed`, …), which may grow: read it with `verdictOfLog`, never as a RunStatus.
   */
  complete?: LogCompletion | string;
}

/** Reads a run's log: an append blob incrementally with range requests, or whole. */
export interface LogReader {
  /** The next part of an append-blob log (not a log artifact). */
  read(url: string, offset: number, maxBytes: number): Promise<LogChunk>;
  /** The log's last `maxBytes` bytes (a blob or an artifact), and how many bytes before them were left out. */
  readAll(link: LogLink, maxBytes: number): Promise<{ text: string; truncatedBytes: number }>;
}

/**
 * Which job started which ACR run. Lets a job that lost the answer to `scheduleRun` tell its
 * own run from one another job started on the same registry at the same moment.
 */
export interface RunClaims {
  /** Records `jobId` as the run's owner unless another job already is; true when it is ours. */
  claim(registry: string, runId: string, jobId: string): Promise<boolean>;
  ownerOf(registry: string, runId: string): Promise<string | undefined>;
}
