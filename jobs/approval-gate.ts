import type { ApprovalState, Approvals } from '../src/core/approval/approvals.ts';

/** How often a job waiting for approval looks again, should a wake-up from the click be missed. */
export const approvalRecheckMs = 15_000;

export type GateResult =
  | { kind: 'approved'; state: ApprovalState }
  | { kind: 'rejected'; state: ApprovalState }
  | { kind: 'expired'; state: ApprovalState }
  | { kind: 'pending'; state: ApprovalState; recheckInMs: number };

/**
 * Where a job's approval stands. The click handler records decisions and wakes the job; the
 * job only reads them here, so the decision itself happens exactly once, in the store.
 */
export async function checkApproval(approvals: Approvals, jobId: string, now: Date): Promise<GateResult> {
  const state = await approvals.expireIfDue(jobId, now);
  if (!state) throw new Error(`approval of job ${jobId} is missing`);
  if (state.status === 'pending') {
    const left = Date.parse(state.expiresAt) - now.getTime();
    return { kind: 'pending', state, recheckInMs: Math.max(50, Math.min(left + 50, approvalRecheckMs)) };
  }
  return { kind: state.status, state };
}
