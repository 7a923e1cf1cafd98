import { alreadyRotating, claimRotation, type RotationClaims } from '../src/core/credentials/rotation-claims.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { JobStop } from './job-failures.ts';

/** The job found another job rotating the same credential: it stops before changing anything. */
export class RotationInProgress extends JobStop {
  override name = 'RotationInProgress';
}

/**
 * Claims `credential` for this job as it starts (again, when its requester already did: that
 * is a no-op), or stops it naming the job that has it. A request that named an app by display
 * name is first claimed here, once the job knows the app's id.
 */
export async function claimOrStop(
  deps: { rotations: RotationClaims; jobs: Pick<JobQueue, 'get'> },
  credential: string,
  jobId: string,
  what: string,
): Promise<void> {
  const outcome = await claimRotation(deps.rotations, deps.jobs, credential, jobId);
  if (outcome.claimed) return;
  const { text, hint } = alreadyRotating(what, outcome);
  throw new RotationInProgress(text, hint);
}
