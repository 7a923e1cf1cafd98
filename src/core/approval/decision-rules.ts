import type { AccessPolicy, AccessRequest } from '../access/access-policy.ts';
import type { GroupMembers } from '../access/group-members.ts';
import { mention, mentionAny } from '../mrkdwn.ts';
import type { Approvals, DecisionResult } from './approvals.ts';
import { isApprover } from './approvers.ts';

/** Approve (or Confirm) and Reject (or Never mind): the two things a decider can do. */
export type DecisionVerb = 'approve' | 'reject';

/** Why someone may not decide: the audit reason and the mrkdwn they are shown. */
export interface DecisionRefusal {
  reason: string;
  text: string;
}

/** What the rules read: the policy, the stored approval, each environment's approvers now. */
export interface DecisionRulesDeps {
  policy: AccessPolicy;
  approvals: Pick<Approvals, 'get'>;
  groups: GroupMembers;
  /** Approvers by environment, as configured now (not as they were when the request opened). */
  approversOf: (environment: string) => readonly string[];
}

/**
 * Who may decide on a request, worked out at the click from stored state: a click from this
 * workspace and app; on a `confirm` request only the requester; otherwise never the requester
 * approving their own request, and only a current approver of the request's environment (user
 * groups resolved now; an unreadable group approves nobody).
 *
 * @returns why this person may not decide, or undefined when they may.
 */
export async function decisionRefusal(
  deps: DecisionRulesDeps,
  who: Pick<AccessRequest, 'userId' | 'teamId' | 'apiAppId'>,
  jobId: string,
  verb: DecisionVerb,
): Promise<DecisionRefusal | undefined> {
  // Not the channel: who may decide is the environment's approvers, wherever the card is.
  const decision = await deps.policy.check({
    userId: who.userId,
    teamId: who.teamId,
    ...(who.apiAppId !== undefined && { apiAppId: who.apiAppId }),
    action: 'approval.click',
  });
  if (!decision.allowed) return { reason: decision.reason, text: decision.message.mrkdwn };
  const approval = await deps.approvals.get(jobId);
  if (!approval) return { reason: 'not_ready', text: 'This request has no approval step yet; try again in a moment.' };
  if (approval.mode === 'confirm') {
    return who.userId === approval.requesterId
      ? undefined
      : { reason: 'not_requester', text: `Only ${mention(approval.requesterId).mrkdwn}, who asked for this, can confirm it.` };
  }
  if (who.userId === approval.requesterId && verb === 'approve') {
    return { reason: 'self_approval', text: 'You asked for this change, so you cannot approve it: someone else from the approvers has to.' };
  }
  const approvers = deps.approversOf(approval.environment);
  if (!(await isApprover(who.userId, approvers, deps.groups))) {
    const names = approvers.map((a) => mentionAny(a).mrkdwn).join(', ') || 'nobody (no approvers are configured)';
    return { reason: 'not_approver', text: `Only approvers of ${approval.environment} can ${verb} this: ${names}.` };
  }
  return undefined;
}

/** Whether a decision changed the request (the job must then be woken to act on it). */
export function changedRequest(result: DecisionResult): boolean {
  return result.outcome === 'approved' || result.outcome === 'recorded' || result.outcome === 'rejected' || result.outcome === 'expired';
}

/** Whether the decision was taken as asked (anything else is audited as refused, with the outcome as reason). */
export function tookEffect(result: DecisionResult): boolean {
  return result.outcome === 'approved' || result.outcome === 'recorded' || result.outcome === 'rejected';
}

/** What the decider is told about their click. */
export function decisionText(result: DecisionResult, verb: DecisionVerb, jobId: string): string {
  switch (result.outcome) {
    case 'approved':
      return result.state.mode === 'confirm'
        ? `:white_check_mark: Confirmed: job \`${jobId}\` goes ahead.`
        : `:white_check_mark: Approved: job \`${jobId}\` goes ahead.`;
    case 'recorded':
      return `:ballot_box_with_check: Your approval is recorded (${result.state.approvals.length} of ${result.state.required}).`;
    case 'rejected':
      return result.state.mode === 'confirm' ? `Okay, job \`${jobId}\` will not go ahead.` : `:no_entry: Rejected: job \`${jobId}\` will not go ahead.`;
    case 'duplicate':
      return 'You already approved this; it needs someone else now.';
    case 'closed':
      return `This request was already ${result.state.status}, so your ${verb === 'approve' ? 'approval' : 'rejection'} changed nothing.`;
    case 'expired':
      return 'This request has expired, so nothing will happen. Ask for it again if it is still needed.';
    case 'forbidden':
      return 'You cannot decide on this request.';
    case 'missing':
      return 'That request no longer exists.';
  }
}
