import type { AciActionJobData } from './deploy/aci-action-job.ts';
import type { BuildJobData } from './build/build-job.ts';
import type { AcrQueryJobData } from './build/acr-query.ts';
import type { AcrChangeJobData } from './registry/acr-change.ts';
import type { DeployJobData } from './deploy/deploy-job.ts';
import type { PromoteJobData } from './promote/promote-job.ts';
import type { TaskWatchJobData } from './task-watch/ports.ts';
import type { ExpiryScanJobData, RotationJobData, TokenRotationJobData } from './credentials/jobs.ts';

/** Job kinds the worker runs; each has a module in `jobs/`. */
export const JobKind = {
  Build: 'build',
  CancelBuild: 'cancel-build',
  Deploy: 'deploy',
  AciAction: 'aci-action',
  ExpiryScan: 'expiry-scan',
  RotateSecret: 'rotate-secret',
  RotateToken: 'rotate-token',
  AcrQuery: 'acr-query',
  AcrChange: 'acr-change',
  Promote: 'promote',
  TaskWatch: 'task-watch',
} as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

export interface CancelBuildJobData {
  buildJobId: string;
  requestedBy: string;
}

export interface JobDataByKind {
  build: BuildJobData;
  'cancel-build': CancelBuildJobData;
  deploy: DeployJobData;
  'aci-action': AciActionJobData;
  'expiry-scan': ExpiryScanJobData;
  'rotate-secret': RotationJobData;
  'rotate-token': TokenRotationJobData;
  'acr-query': AcrQueryJobData;
  'acr-change': AcrChangeJobData;
  promote: PromoteJobData;
  'task-watch': TaskWatchJobData;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'unknown';

export interface StoredJob<K extends JobKind = JobKind> {
  id: string;
  kind: K;
  state: JobState;
  data: JobDataByKind[K];
  failedReason?: string;
}

/** The durable queue as the rest of the app sees it. */
export interface JobQueue {
  /** Adds a job unless one with this id exists. Resolves only once Redis has it. */
  submit<K extends JobKind>(kind: K, jobId: string, data: JobDataByKind[K]): Promise<void>;
  get(jobId: string): Promise<StoredJob | undefined>;
  /**
   * Runs a job that is sleeping (a durable delay) now, e.g. once its approval arrived.
   * Best effort: a job that is running or waiting already is left alone.
   */
  wake(jobId: string): Promise<void>;
}

/** Cancellation requests, readable by the job that must honour them. */
export interface CancelRequests {
  request(jobId: string, userId: string): Promise<void>;
  requestedBy(jobId: string): Promise<string | undefined>;
}
