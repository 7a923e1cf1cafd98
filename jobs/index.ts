import type { JobHandler } from '../src/core/job-context.ts';
import type { JobDataByKind, JobKind } from '../src/core/job-queue.ts';
import { createAciActionJob, type AciActionJobDeps } from './aci-action.ts';
import { createAcrChangeJob, type AcrChangeJobDeps } from './acr-change.ts';
import { createAcrQueryJob, type AcrQueryJobDeps } from './acr-query.ts';
import { createBuildJob, type BuildJobDeps } from './build.ts';
import { createCancelBuildJob, type CancelBuildJobDeps } from './cancel-build.ts';
import { createDeployJob, type DeployJobDeps } from './deploy.ts';
import { createExpiryScanJob, type ExpiryScanJobDeps } from './expiry-scan.ts';
import { createPromoteJob, type PromoteJobDeps } from './promote.ts';
import { withPrivateBuildCleanup } from './private-build.ts';
import { createRotateSecretJob, type RotateSecretJobDeps } from './rotate-secret.ts';
import { createRotateTokenJob, type RotateTokenJobDeps } from './rotate-token.ts';
import { createTaskWatchJob, type TaskWatchJobDeps } from './task-watch.ts';
import type { TaskDeployDeps } from './task-deploy.ts';

/** The handler of every job kind, each typed by the data its kind carries. */
export type JobHandlers = { [K in JobKind]: JobHandler<JobDataByKind[K]> };

/** What each job kind needs, by kind: `JobDeps` is every port once, and each job takes its own part. */
export interface DepsByKind {
  build: BuildJobDeps;
  'cancel-build': CancelBuildJobDeps;
  deploy: DeployJobDeps;
  'aci-action': AciActionJobDeps;
  'expiry-scan': ExpiryScanJobDeps;
  'rotate-secret': RotateSecretJobDeps;
  'rotate-token': RotateTokenJobDeps;
  'acr-query': AcrQueryJobDeps;
  'acr-change': AcrChangeJobDeps;
  promote: PromoteJobDeps;
  // A watched task's successful run queues its deploy from the build job that followed it.
  'task-watch': TaskWatchJobDeps & TaskDeployDeps;
}

/** Every port and setting some job needs, built once by the composition root: all kinds' deps at once. */
export type JobDeps = AllOf<DepsByKind[JobKind]>;
type AllOf<U> = (U extends unknown ? (u: U) => void : never) extends (all: infer I) => void ? I : never;

/**
 * Every job kind the worker runs, by name. Adding a kind = its data type in `JobDataByKind`
 * (`src/core/job-queue.ts`), its module here (a `StepJob` run by `runSteps`), and one line in
 * `DepsByKind` and in this map; the compiler names any of them that is missing.
 */
export function createJobHandlers(deps: JobDeps): JobHandlers {
  return {
    build: withPrivateBuildCleanup(createBuildJob(deps), deps),
    'cancel-build': createCancelBuildJob(deps),
    deploy: createDeployJob(deps),
    'aci-action': createAciActionJob(deps),
    'expiry-scan': createExpiryScanJob(deps),
    'rotate-secret': createRotateSecretJob(deps),
    'rotate-token': createRotateTokenJob(deps),
    'acr-query': createAcrQueryJob(deps),
    'acr-change': createAcrChangeJob(deps),
    promote: createPromoteJob(deps),
    'task-watch': createTaskWatchJob(deps),
  };
}
