import type { App, BlockButtonAction, types, ViewSubmitAction } from '@slack/bolt';
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
import { ephemeral, errorReply, failureReply, type EphemeralReply } from '../render/replies.ts';
import { slackErrorOf } from '../direct-message.ts';
import { ResponseUrlReplies } from '../response-url-replies.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { clickReply, isHomeClick, type HomeNotifier } from './home-click.ts';

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
  /** For the rejection outcome on the click's response_url. @defaultValue fetch */
  fetch?: typeof fetch;
}

/** What an approval decision is about, for the audit record. */
function targetOf(gated: Gated): string {
  if (gated.kind === 'acr-change') return gated.data.target.registry;
  return gated.data.target.name || gated.data.target.resourceGroup;
}

type View = types.View;

/** Most characters of a rejection reason kept (it is shown on the card). */
const maxReasonLength = 500;

type Gated = { kind: 'deploy'; data: DeployJobData } | { kind: 'aci-action'; data: AciActionJobData } | { kind: 'acr-change'; data: AcrChangeJobData };

/**
 * Approve / Reject / Confirm / Never mind. The button only says which job; whether this
 * person may decide is worked out here, at the click, from the stored job, the stored
 * approval and the environment's current approvers. The store makes each decision count once.
 */
export function registerApprovalActions(app: App, deps: ApprovalActionDeps): void {
  const responseUrls = new ResponseUrlReplies(deps.fetch);
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
    app.action<BlockButtonAction>(
      actionId,
      answerEveryClick(
        deps.logger,
        actionId,
        async ({ ack, body, action, respond }) => {
          await ack();
          const userId = body.user.id;
          // A click on the Home is answered there; one on a card, privately under it.
          const reply = clickReply(body, respond, deps.home);
          const gated = await load(action.value ?? '');
          if (!gated?.data.approval) {
            await reply(errorReply('That request no longer exists.'));
            return;
          }
          const why = await refusal(userId, body.team?.id ?? body.user.team_id ?? '', body.api_app_id, gated, verb);
          if (why) {
            await refuse(userId, gated, verb, why);
            await reply(ephemeral(why.text));
            return;
          }
          await reply(ephemeral(await decide(userId, gated, verb, undefined)));
        },
        deps.home,
      ),
    );
  }

  // Reject asks why first. Slack gives the click's trigger_id three seconds, and user-group
  // look-ups alone can take two: so the modal opens before any check, and who may reject is
  // decided when it is submitted.
  app.action<BlockButtonAction>(
    ActionId.Reject,
    answerEveryClick(
      deps.logger,
      ActionId.Reject,
      async ({ ack, body, action, respond, client }) => {
        await ack();
        const userId = body.user.id;
        const jobId = action.value ?? '';
        // A Home click has no response_url: its outcome goes back to the Home (see `confirm`).
        const meta: RejectMeta = isHomeClick(body) ? { jobId, channelId: '', responseUrl: '', home: true } : { jobId, channelId: body.channel?.id ?? '', responseUrl: body.response_url };
        let opened: Awaited<ReturnType<typeof client.views.open>>;
        try {
          opened = await client.views.open({ trigger_id: body.trigger_id, view: reasonModal(meta) });
        } catch (err) {
          const slackError = slackErrorOf(err);
          deps.logger.error({ err, slackError, action: ActionId.Reject, user: userId, jobId }, 'could not open the Reject modal');
          await clickReply(body, respond, deps.home)(errorReply(`I couldn't open the rejection form (Slack said ${slackError}), so nothing was rejected.`, 'Click Reject again.'));
          return;
        }
        // Off the trigger's clock now: check at once, so someone who may not reject sees why in
        // the modal instead of typing a reason first (this also warms the group caches for the submit).
        const gated = await load(jobId);
        const why = gated?.data.approval ? await refusal(userId, teamOf(body), body.api_app_id, gated, 'reject') : { reason: 'missing', text: 'That request no longer exists.' };
        if (!why || !opened.view?.id) return;
        if (gated) await refuse(userId, gated, 'reject', why);
        await client.views
          .update({ view_id: opened.view.id, ...(opened.view.hash && { hash: opened.view.hash }), view: refusedModal(why.text) })
          // A submit that got there first is answered by the submit handler itself.
          .catch((err: unknown) => deps.logger.debug({ err, jobId }, 'Reject modal changed before the refusal could be shown'));
      },
      deps.home,
    ),
  );

  app.view<ViewSubmitAction>(ViewId.RejectReason, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const meta = parseMeta(view.private_metadata);
    const reason = (view.state.values.reason?.reason?.value ?? '').trim().slice(0, maxReasonLength);
    let acked = false;
    const formError = async (text: string) => {
      acked = true;
      await ack({ response_action: 'errors', errors: { reason: toPlainText(text) } });
    };
    try {
      // Slack drops a submit not answered within 3 s: the checks get a deadline, and a check
      // that cannot finish in time refuses (fail closed) and says to try again.
      const checked = await withDeadline(submitCheck(userId, teamOf(body), body.api_app_id, meta), submitCheckMs);
      if (checked === 'timeout') {
        await formError("I couldn't check in time whether you may reject this (Slack is slow to answer right now). Submit again in a moment.");
        return;
      }
      if ('refused' in checked) {
        if (checked.gated) await refuse(userId, checked.gated, 'reject', checked.refused);
        await formError(checked.refused.text);
        return;
      }
      acked = true;
      await ack();
      const text = await decide(userId, checked.gated, 'reject', reason || undefined);
      await confirm(meta!, userId, ephemeral(text));
    } catch (err) {
      deps.logger.error({ err, view: ViewId.RejectReason, user: userId }, 'rejection failed');
      if (!acked) await formError(failureReply(err, 'so nothing was rejected').text);
      else if (meta) await confirm(meta, userId, failureReply(err, 'so the rejection may not have been recorded'));
    }
  });

  type SubmitCheck = { gated: Gated } | { refused: { reason: string; text: string }; gated?: Gated };

  async function submitCheck(userId: string, teamId: string, apiAppId: string, meta: RejectMeta | undefined): Promise<SubmitCheck> {
    const gated = meta ? await load(meta.jobId) : undefined;
    if (!gated?.data.approval) return { refused: { reason: 'missing', text: 'That request no longer exists.' } };
    const why = await refusal(userId, teamId, apiAppId, gated, 'reject');
    return why ? { refused: why, gated } : { gated };
  }

  /** The outcome, on the response_url of the Reject click (not a best-effort ephemeral), or on the Home it was made on. */
  async function confirm(meta: RejectMeta, userId: string, reply: EphemeralReply): Promise<void> {
    if (meta.home) {
      if (!deps.home) deps.logger.warn({ jobId: meta.jobId }, 'rejection outcome not shown: a Home click, but no App Home is wired in');
      else await deps.home.notify(userId, { mrkdwn: reply.text }).catch((err: unknown) => deps.logger.warn({ err, jobId: meta.jobId }, 'could not show the rejection outcome on the App Home'));
      return;
    }
    if (!meta.responseUrl) {
      deps.logger.warn({ jobId: meta.jobId }, 'rejection outcome not sent: the modal carried no response_url');
      return;
    }
    await responseUrls.post(meta.responseUrl, { text: reply.text, ...(reply.blocks && { blocks: reply.blocks }) }).catch((err: unknown) =>
      // It expires 30 minutes after the click; the card shows the outcome anyway.
      deps.logger.warn({ err, jobId: meta.jobId }, 'could not send the rejection outcome to the approver'),
    );
  }
}

/** How long the checks of a Reject submit may take: Slack wants the answer within 3 s. */
const submitCheckMs = 2500;

interface RejectMeta {
  jobId: string;
  channelId: string;
  responseUrl: string;
  /** Reject was clicked on the App Home: the outcome goes there. */
  home?: true;
}

function reasonModal(meta: RejectMeta): View {
  return {
    type: 'modal',
    callback_id: ViewId.RejectReason,
    private_metadata: JSON.stringify(meta),
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
  };
}

function refusedModal(text: string): View {
  return {
    type: 'modal',
    callback_id: ViewId.RejectReason,
    title: { type: 'plain_text', text: 'Reject request' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }],
  };
}

/** Form errors are plain text: mentions become "them" instead of showing raw markup. */
function toPlainText(mrkdwn: string): string {
  return mrkdwn.replace(/<[^>]+>/g, 'them').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function teamOf(body: { team?: { id: string } | null; user: { team_id?: string } }): string {
  return body.team?.id ?? body.user.team_id ?? '';
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, ms, 'timeout')))]);
  } finally {
    clearTimeout(timer);
  }
}

function parseMeta(raw: string): RejectMeta | undefined {
  try {
    const parsed = JSON.parse(raw) as { jobId?: unknown; channelId?: unknown; responseUrl?: unknown; home?: unknown };
    if (typeof parsed.jobId !== 'string') return undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return { jobId: parsed.jobId, channelId: text(parsed.channelId), responseUrl: text(parsed.responseUrl), ...(parsed.home === true && { home: true as const }) };
  } catch {
    return undefined;
  }
}
