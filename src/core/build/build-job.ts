import type { RegistryRef } from '../registry-ref.ts';
import type { DockerBuildSpec } from './acr-builds.ts';
import type { RunTrigger } from './run-trigger.ts';

/**
 * Where a build job is. Saved with `job.updateData` after every side effect so a retried or
 * stalled job resumes instead of repeating it (`scheduleRun` is not idempotent).
 */
export interface BuildProgress {
  phase: 'new' | 'scheduling' | 'following' | 'done';
  /** Set just before `scheduleRun`: if we crash before saving the run id, we look for the run instead of starting another. */
  schedulingSince?: string;
  /** Runs that may be the one a lost `scheduleRun` started, while the job checks them. */
  candidates?: string[];
  runId?: string;
  logOffset: number;
  /** Bytes of an unfinished last line, held back until its newline arrives. */
  carry: string;
  lastArmCheckAt?: string;
  lastLogAt?: string;
  runningSince?: string;
  idlePolls: number;
}

/** Data of a `build` job. No secrets: BullMQ stores job data in clear text. */
export interface BuildJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  environment: string;
  target: RegistryRef;
  /** A quick build (`/acr build`). */
  spec?: DockerBuildSpec;
  /** A run of an ACR task (`/acr task run`): the task defines what is built. */
  task?: { name: string };
  /**
   * A quick build from a private repository (`--git-access-token`): run through a one-off
   * task carrying the token (see jobs/private-build.ts). Only the secret's name is kept here.
   */
  privateSource?: { tokenSecret: string; repositoryUrl: string };
  /**
   * A run nobody typed, announced by the task watcher (a commit, a base image, a timer, the
   * portal): what started it. Such a job follows the run from the start and never schedules one.
   */
  trigger?: RunTrigger;
  /** Dev follows main: once the run succeeds, its pushed digest is deployed to this container group of the environment. */
  deployTo?: { group: string };
  queuedAt: string;
  progress: BuildProgress;
}

export function newBuildProgress(): BuildProgress {
  return { phase: 'new', logOffset: 0, carry: '', idlePolls: 0 };
}

/** The key runs are claimed under (`RunClaims`): run ids are unique within one registry only. */
export function runClaimKey(target: RegistryRef): string {
  return `${target.subscriptionId}/${target.resourceGroup}/${target.registry}`;
}
