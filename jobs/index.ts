import type { JobHandler } from '../src/core/job-context.ts';
import type { JobKind } from '../src/core/job-queue.ts';
import { createAciActionJob, type AciActionJobDeps } from './aci-action.ts';
import { createAcrChangeJob, type AcrChangeJobDeps } from './acr-change.ts';
import { createAcrQueryJob, type AcrQueryJobDeps } from './acr-query.ts';
import { createBuildJob, type BuildJobDeps } from './build.ts';
import { withPrivateBuildCleanup } from './private-build.ts';
import { createCancelBuildJob, type CancelBuildJobDeps } from './cancel-build.ts';
import { createDeployJob, type DeployJobDeps } from './deploy.ts';
import { createExpiryScanJob, type ExpiryScanJobDeps } from './expiry-scan.ts';
import { createPromoteJob, type PromoteJobDeps } from './promote.ts';
import { createRotateSecretJob, type RotateSecretJobDeps } from './rotate-secret.ts';
import { createRotateTokenJob, type RotateTokenJobDeps } from './rotate-token.ts';
import { createTaskWatchJob, type TaskWatchJobDeps } from './task-watch.ts';
import type { TaskDeployDeps } from './task-deploy.ts';

export type JobDeps = BuildJobDeps & CancelBuildJobDeps & DeployJobDeps & AciActionJobDeps & ExpiryScanJobDeps & RotateSecretJobDeps & RotateTokenJobDeps & AcrQueryJobDeps & AcrChangeJobDeps & PromoteJobDeps & TaskWatchJobDeps & TaskDeployDeps;

/** Every job kind the worker runs, by name. Adding a kind = one module here. */
export function createJobHandlers(deps: JobDeps): { [K in JobKind]: JobHandler<never> } {
  return {
    build: withPrivateBuildCleanup(createBuildJob(deps), deps) as JobHandler<never>,
    'cancel-build': createCancelBuildJob(deps) as JobHandler<never>,
    deploy: createDeployJob(deps) as JobHandler<never>,
    'aci-action': createAciActionJob(deps) as JobHandler<never>,
    'expiry-scan': createExpiryScanJob(deps) as JobHandler<never>,
    'rotate-secret': createRotateSecretJob(deps) as JobHandler<never>,
    'rotate-token': createRotateTokenJob(deps) as JobHandler<never>,
    'acr-query': createAcrQueryJob(deps) as JobHandler<never>,
    'acr-change': createAcrChangeJob(deps) as JobHandler<never>,
    promote: createPromoteJob(deps) as JobHandler<never>,
    'task-watch': createTaskWatchJob(deps) as JobHandler<never>,
  };
}
