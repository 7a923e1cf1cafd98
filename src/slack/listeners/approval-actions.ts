import type { App, BlockButtonAction, RespondFn, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../../config/file.ts';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { GroupMembers } from '../../core/access/group-members.ts';
import type { Approvals, DecisionResult } from '../../core/approval/approvals.ts';
import { isApprover } from '../../core/approval/approvers.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { AciActionJobData } from '../../core/deploy/aci-action-job.ts';
import type { DeployJobData } from '../../core/deploy/deploy-job.ts';
import type { AcrChangeJobData } from '../../core/registry/acr-change.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import { mention, mentionAny } from '../../core/mrkdwn.ts';
import { ActionId, ViewId } from '../action-ids.ts';
import { ephemeral, errorReply } from '../render/replies.ts';
import { isHomeClick, type HomeNotifier } from './home-click.ts';

export interface ApprovalActionDeps {
  /** Answers clicks made on the App Home, which has no response_url: the answer shows on the Home. */
  home?: HomeNotifier;
  jobs: JobQueue;
  approvals: Approvals;
  policy: AccessPolicy;
  groups: GroupMembers;
  audit: AuditLog;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  logger: Logger;
  now?: () => Date;
}

/** What an approval decision is about, for the audit record. */
function targetOf(gated: Gated): string {
  if (gated.kind === 'acr-change') return gated.data.target.registry;
  return gated.data.target.name || gated.data.target.resourceGroup;
}

/** Most characters of a rejection reason kept (it is shown on the card). */
const maxReasonLength = 500;

type Gated = { kind: 'deploy'; data: DeployJobData } | { kind: 'aci-action'; data: AciActionJobData } | { kind: 'acr-change'; data: AcrChangeJobData };

/**
 * Approve / Reject / Confirm / Never mind. The button only says which job; whether this
 * person may decide is worked out here, at the click, from the stored job, the stored
 * approval and the environment's current approvers. The store makes each decision count once.
 */
export function registerApprovalActions(app: App, deps: ApprovalActionDeps): void {
  const now = deps.now ?? (() => new Date());

  async function load(jobId: string): Promise<Gated | undefined> {
    if (!jobIdPattern.test(jobId)) return undefined;
    const job = await deps.jobs.get(jobId);
    if (job?.kind === 'deploy') return { kind: 'deploy', data: job.data as DeployJobData };
    if (job?.kind === 'aci-action') return { kind: 'aci-action', data: job.data as AciActionJobData };
    if (job?.kind === 'acr-change') return { kind: 'acr-change', data: job.data as AcrChangeJobData };
    return undefined;
  }

  /** Why this user may not decide on this job, or undefined when they may. */
  async function refusal(userId: string, teamId: string, apiAppId: string, gated: Gated, verb: 'approve' | 'reject'): Promise<{ reason: string; text: string } | undefined> {
    const decision = await deps.policy.check({ userId, teamId, apiAppId, action: 'approval.click' });
    if (!decision.allowed) return { reason: decision.reason, text: decision.message.mrkdwn };
    const approval = await deps.approvals.get(gated.data.jobId);
    if (!approval) return { reason: 'not_ready', text: 'This request has no approval step yet; try again in a moment.' };
    if (approval.mode === 'confirm') {
      return userId === approval.requesterId ? undefined : { reason: 'not_requester', text: `Only ${mention(approval.requesterId).mrkdwn}, who asked for this, can confirm it.` };
    }
    if (userId === approval.requesterId && verb === 'approve') {
      return { reason: 'self_approval', text: 'You asked for this change, so you cannot approve it: someone else from the approvers has to.' };
    }
    const approvers = deps.environments[approval.environment]?.approval?.approvers ?? [];
    // Resolved at click time (groups briefly cached); an unreadable group approves nobody.
    if (!(await isApprover(userId, approvers, deps.groups))) {
      const who = approvers.map((a) => mentionAny(a).mrkdwn).join(', ') || 'nobody (no approvers are configured)';
      return { reason: 'not_approver', text: `Only approvers of ${approval.environment} can ${verb} this: ${who}.` };
    }
    return undefined;
  }

  function outcomeText(result: DecisionResult, verb: 'approve' | 'reject', jobId: string): string {
    switch (result.outcome) {
      case 'approved':
        return result.state.mode === 'confirm' ? `:white_check_mark: Confirmed: job \`${jobId}\` goes ahead.` : `:white_check_mark: Approved: job \`${jobId}\` goes ahead.`;
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

  async function decide(
    userId: string,
    gated: Gated,
    verb: 'approve' | 'reject',
    reason: string | undefined,
  ): Promise<string> {
    const jobId = gated.data.jobId;
    const result = verb === 'approve' ? await deps.approvals.approve(jobId, userId, now()) : await deps.approvals.reject(jobId, userId, reason, now());
    const changed = result.outcome === 'approved' || result.outcome === 'recorded' || result.outcome === 'rejected' || result.outcome === 'expired';
    await deps.audit.record({
      actor: userId,
      action: verb === 'approve' ? 'approval.approve' : 'approval.reject',
      outcome: result.outcome === 'approved' || result.outcome === 'recorded' || result.outcome === 'rejected' ? 'succeeded' : 'refused',
      environment: gated.data.environment,
      target: targetOf(gated),
      jobId,
      ...(result.outcome !== 'approved' && result.outcome !== 'recorded' && result.outcome !== 'rejected' && { reason: result.outcome }),
      details: { result: result.outcome, ...(reason !== undefined && { reason }) },
    });
    // The job renders the card from the stored approval; waking it makes that (and the deploy) happen now.
    if (changed) await deps.jobs.wake(jobId);
    return outcomeText(result, verb, jobId);
  }

  async function refuse(userId: string, gated: Gated, verb: string, why: { reason: string; text: string }): Promise<void> {
    await deps.audit
      .record({ actor: userId, action: `approval.${verb}`, outcome: 'refused', reason: why.reason, environment: gated.data.environment, jobId: gated.data.jobId })
      .catch((err: unknown) => deps.logger.error({ err }, 'could not audit a refusal'));
  }

  for (const [actionId, verb] of [
    [ActionId.Approve, 'approve'],
    [ActionId.Confirm, 'approve'],
    [ActionId.Dismiss, 'reject'],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const userId = body.user.id;
      const reply = replyTo(body, respond);
      const gated = await load(action.value ?? '');
      if (!gated?.data.approval) {
        await reply(errorReply('That request no longer exists.').text);
        return;
      }
      const why = await refusal(userId, body.team?.id ?? body.user.team_id ?? '', body.api_app_id, gated, verb);
      if (why) {
        await refuse(userId, gated, verb, why);
        await reply(why.text);
        return;
      }
      await reply(await decide(userId, gated, verb, undefined));
    });
  }

  // Reject asks why first; the decision happens when the modal is submitted, re-checked then.
  app.action<BlockButtonAction>(ActionId.Reject, async ({ ack, body, action, respond, client }) => {
    await ack();
    const userId = body.user.id;
    const reply = replyTo(body, respond);
    const gated = await load(action.value ?? '');
    if (!gated?.data.approval) {
      await reply(errorReply('That request no longer exists.').text);
      return;
    }
    const why = await refusal(userId, body.team?.id ?? body.user.team_id ?? '', body.api_app_id, gated, 'reject');
    if (why) {
      await refuse(userId, gated, 'reject', why);
      await reply(why.text);
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: ViewId.RejectReason,
        private_metadata: JSON.stringify({ jobId: gated.data.jobId, channelId: body.channel?.id ?? '', responseUrl: body.response_url, ...(isHomeClick(body) && { home: true }) }),
        title: { type: 'plain_text', text: 'Reject request' },
        submit: { type: 'plain_text', text: 'Reject' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why? (shown on the card)' },
            element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: maxReasonLength },
          },
        ],
      },
    });
  });

  app.view<ViewSubmitAction>(ViewId.RejectReason, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const meta = parseMeta(view.private_metadata);
    const reason = (view.state.values.reason?.reason?.value ?? '').trim().slice(0, maxReasonLength);
    const gated = meta ? await load(meta.jobId) : undefined;
    if (!gated?.data.approval) {
      await ack({ response_action: 'errors', errors: { reason: 'That request no longer exists.' } });
      return;
    }
    const why = await refusal(userId, body.team?.id ?? body.user.team_id ?? '', body.api_app_id, gated, 'reject');
    if (why) {
      await refuse(userId, gated, 'reject', why);
      await ack({ response_action: 'errors', errors: { reason: why.text.replace(/<[^>]+>/g, 'them') } });
      return;
    }
    await ack();
    const text = await decide(userId, gated, 'reject', reason || undefined);
    if (meta?.home) await deps.home?.notify(userId, { mrkdwn: text }).catch((err: unknown) => deps.logger.warn({ err }, 'could not show the decision on the App Home'));
    else if (meta?.channelId) await client.chat.postEphemeral({ channel: meta.channelId, user: userId, text }).catch(() => {});
  });

  /** Answers the person who clicked: on their Home for a Home click, else privately under the card. */
  function replyTo(body: BlockButtonAction, respond: RespondFn | undefined): (text: string) => Promise<unknown> {
    if (isHomeClick(body)) return (text) => deps.home?.notify(body.user.id, { mrkdwn: text }) ?? Promise.resolve();
    return (text) => respond!({ ...ephemeral(text), replace_original: false });
  }
}

function parseMeta(raw: string): { jobId: string; channelId: string; home: boolean } | undefined {
  try {
    const parsed = JSON.parse(raw) as { jobId?: unknown; channelId?: unknown; home?: unknown };
    return typeof parsed.jobId === 'string' ? { jobId: parsed.jobId, channelId: typeof parsed.channelId === 'string' ? parsed.channelId : '', home: parsed.home === true } : undefined;
  } catch {
    return undefined;
  }
}
