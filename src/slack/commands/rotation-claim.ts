import type { Logger } from 'pino';
import { recordOrLog } from '../../audit/record-or-log.ts';
import type { AuditEventInput, AuditLog } from '../../core/audit.ts';
import { alreadyRotating, claimRotation, type RotationClaims } from '../../core/credentials/rotation-claims.ts';
import { QueueUnavailableError } from '../../core/errors.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import { md, mention, type Mrkdwn } from '../../core/mrkdwn.ts';

export interface RotationClaimDeps {
  rotations: RotationClaims;
  jobs: JobQueue;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Claims `credential` for the job about to be queued. When another job is rotating it, the
 * refusal is audited (`rotation_in_progress`, naming that job) and its message returned for the
 * requester; nothing is queued then.
 */
export async function claimBeforeQueueing(
  deps: RotationClaimDeps,
  credential: string,
  jobId: string,
  what: string,
  refused: Omit<AuditEventInput, 'outcome'>,
): Promise<Mrkdwn | undefined> {
  const outcome = await claimRotation(deps.rotations, deps.jobs, credential, jobId).catch((err: unknown) => {
    throw new QueueUnavailableError(err); // the claims live in the queue's Redis
  });
  if (outcome.claimed) return undefined;
  await recordOrLog(
    deps.audit,
    { ...refused, outcome: 'refused', reason: 'rotation_in_progress', details: { ...refused.details, rotatingJob: outcome.holder } },
    deps.logger,
  );
  const { text, hint } = alreadyRotating(what, outcome);
  const by = outcome.requesterId && outcome.requesterId !== 'system' ? md` Started by ${mention(outcome.requesterId)}.` : md``;
  return md`:hourglass_flowing_sand: ${text}${by}\n${hint}`;
}

/** Queues the claimed rotation; if that fails, lets the claim go so a retry is not refused. */
export async function queueClaimed(deps: RotationClaimDeps, credential: string, jobId: string, queue: () => Promise<void>): Promise<void> {
  try {
    await queue();
  } catch (err) {
    await deps.rotations.release(credential, jobId).catch(() => {});
    throw err;
  }
}
