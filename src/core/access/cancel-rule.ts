import type { AccessDecision, AccessPolicy, AccessRequest } from './access-policy.ts';

/**
 * Who may stop a job's work: the one rule behind the Cancel button and `/acr cancel RUN_ID`.
 * The requester cancels their own job with the builder role; anyone else's needs admin. A run
 * no job of this bot started has no requester here, so only an admin cancels it. A run the
 * task watcher announced (a push, a trigger: nobody's own) is the team's: any builder cancels it.
 */
export function mayCancel(
  policy: AccessPolicy,
  who: Omit<AccessRequest, 'action' | 'environment' | 'ownerId'>,
  job: { environment: string; requesterId: string | undefined; announced?: boolean },
): Promise<AccessDecision> {
  if (job.announced) return policy.check({ ...who, environment: job.environment, action: 'job.cancel.announced' });
  return policy.check({ ...who, environment: job.environment, action: 'job.cancel', ...(job.requesterId !== undefined && { ownerId: job.requesterId }) });
}
