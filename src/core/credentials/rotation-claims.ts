import type { JobQueue, StoredJob } from '../job-queue.ts';

/**
 * One rotation per credential at a time. Two rotations of the same credential undo each other
 * (the second one's new secret replaces the first one's in Key Vault, the first one puts the old
 * value back on timeout, the second one removes the old secret), so every way of starting one
 * (`/sp rotate`, `/acr token rotate`, the Rotate button, auto-rotation) claims the credential
 * first, and the job claims it again as it starts (the backstop for requests that named an app
 * by display name). A claim names the job holding it; the job releases it when it is done.
 */
export interface RotationClaims {
  /**
   * Claims `credential` for `jobId` unless another job holds it; `replacing` takes over from a
   * holder found to be finished. Returns the holder afterwards (`jobId` when claimed).
   */
  claim(credential: string, jobId: string, replacing?: string): Promise<{ jobId: string; claimedAt: number }>;
  /** Lets go of `credential` if `jobId` holds it. */
  release(credential: string, jobId: string): Promise<void>;
}

/** The claim key of an app registration's client secret: the app's one Key Vault secret, whichever of its secrets is replaced. */
export function appSecretCredential(appId: string): string {
  return `app:${appId.toLowerCase()}`;
}

/** The claim key of a repository-scoped registry token (two environments may share a registry). */
export function registryTokenCredential(registry: { subscriptionId: string; resourceGroup: string; name: string }, token: string): string {
  return `token:${registry.subscriptionId}/${registry.resourceGroup}/${registry.name}/${token}`.toLowerCase();
}

/**
 * How long a claim counts without its job in the queue: the requester claims, then records
 * the audit and the card, then queues the job, all within Slack's 3 s.
 */
const UNQUEUED_CLAIM_MS = 60_000;

export type ClaimOutcome = { claimed: true } | { claimed: false; holder: string; requesterId?: string };

function isUnfinished(job: StoredJob): boolean {
  const phase = (job.data as { progress?: { phase?: string } }).progress?.phase;
  return job.state !== 'completed' && job.state !== 'failed' && phase !== 'done';
}

/**
 * Claims `credential` for `jobId`, or names the job already rotating it. A holder that has
 * finished, or was never queued, or is gone (a claim its job never released) is taken over.
 */
export async function claimRotation(
  claims: RotationClaims,
  jobs: Pick<JobQueue, 'get'>,
  credential: string,
  jobId: string,
  now: () => number = Date.now,
): Promise<ClaimOutcome> {
  const holder = await claims.claim(credential, jobId);
  if (holder.jobId === jobId) return { claimed: true };
  const job = await jobs.get(holder.jobId);
  if (job ? isUnfinished(job) : now() - holder.claimedAt < UNQUEUED_CLAIM_MS) {
    const requesterId = (job?.data as { requesterId?: string } | undefined)?.requesterId;
    return { claimed: false, holder: holder.jobId, ...(requesterId && { requesterId }) };
  }
  const again = await claims.claim(credential, jobId, holder.jobId);
  return again.jobId === jobId ? { claimed: true } : { claimed: false, holder: again.jobId };
}

/** What the second requester is told: which job is rotating it and how to follow it (plain text). */
export function alreadyRotating(what: string, refusal: Extract<ClaimOutcome, { claimed: false }>): { text: string; hint: string } {
  return {
    text: `${what} is already being rotated by job ${refusal.holder}${refusal.requesterId === 'system' ? ' (auto-rotation)' : ''}.`,
    hint: `One rotation at a time: follow it with /ops job ${refusal.holder}, and rotate again once it has finished if you still need to.`,
  };
}
