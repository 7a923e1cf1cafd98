import type { App, BlockButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { ApprovalDecisions } from './approval-decision.ts';
import { approvalDecisions, type ApprovalDecisionDeps, type Gated } from './approval-decision.ts';
import type { DecisionRefusal } from '../../core/approval/decision-rules.ts';
import { ActionId, ViewId } from '../action-ids.ts';
import { slackErrorOf } from '../direct-message.ts';
import { ephemeral, errorReply, failureReply, type EphemeralReply } from '../render/replies.ts';
import { ResponseUrlReplies } from '../response-url-replies.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { clickReply, isHomeClick, type HomeNotifier } from './home-click.ts';
import { maxReasonLength, parseMeta, reasonModal, refusedModal, submitCheckMs, toPlainText, withDeadline, type RejectMeta } from './reject-modal.ts';
import { clickRequester } from './request-context.ts';

export interface ApprovalActionDeps extends ApprovalDecisionDeps {
  /** Answers clicks made on the App Home, which has no response_url: the answer shows on the Home. */
  home?: HomeNotifier;
  /** For the rejection outcome on the click's response_url. @defaultValue fetch */
  fetch?: typeof fetch;
}

const missing: DecisionRefusal = { reason: 'missing', text: 'That request no longer exists.' };

/**
 * Approve / Reject / Confirm / Never mind. The button only says which job; whether this
 * person may decide is worked out at the click by the rules in `core/approval`, from the stored
 * job, the stored approval and the environment's current approvers. The store makes each
 * decision count once, and none takes effect before it is audited.
 */
export function registerApprovalActions(app: App, deps: ApprovalActionDeps): void {
  const decisions = approvalDecisions(deps);
  registerDecisionButtons(app, deps, decisions);
  registerRejectButton(app, deps, decisions);
  registerRejectSubmit(app, deps, decisions);
}

function registerDecisionButtons(app: App, deps: ApprovalActionDeps, decisions: ApprovalDecisions): void {
  for (const [actionId, verb] of [
    [ActionId.Approve, 'approve'],
    [ActionId.Confirm, 'approve'],
    [ActionId.Dismiss, 'reject'],
  ] as const) {
    const listener = async ({ ack, body, action, respond }: Parameters<Parameters<typeof app.action<BlockButtonAction>>[1]>[0]) => {
      await ack();
      const who = clickRequester(body);
      // A click on the Home is answered there; one on a card, privately under it.
      const reply = clickReply(body, respond, deps.home);
      const gated = await decisions.load(action.value ?? '');
      if (!gated?.data.approval) return reply(errorReply(missing.text));
      const why = await decisions.refusal(who, gated, verb);
      if (why) {
        await decisions.refuse(who.userId, gated, verb, why);
        return reply(ephemeral(why.text));
      }
      await reply(ephemeral(await decisions.decide(who.userId, gated, verb, undefined)));
    };
    app.action<BlockButtonAction>(actionId, answerEveryClick(deps.logger, actionId, listener, deps.home));
  }
}

// Reject asks why first. Slack gives the click's trigger_id three seconds, and user-group
// look-ups alone can take two: so the modal opens before any check, and who may reject is
// decided when it is submitted.
function registerRejectButton(app: App, deps: ApprovalActionDeps, decisions: ApprovalDecisions): void {
  const listener = async ({ ack, body, action, respond, client }: Parameters<Parameters<typeof app.action<BlockButtonAction>>[1]>[0]) => {
    await ack();
    const who = clickRequester(body);
    const jobId = action.value ?? '';
    // A Home click has no response_url: its outcome goes back to the Home (see `confirmRejection`).
    const meta: RejectMeta = isHomeClick(body)
      ? { jobId, channelId: '', responseUrl: '', home: true }
      : { jobId, channelId: who.channelId, responseUrl: who.responseUrl };
    let opened: Awaited<ReturnType<typeof client.views.open>>;
    try {
      opened = await client.views.open({ trigger_id: body.trigger_id, view: reasonModal(meta) });
    } catch (err) {
      const slackError = slackErrorOf(err);
      deps.logger.error({ err, slackError, action: ActionId.Reject, user: who.userId, jobId }, 'could not open the Reject modal');
      await clickReply(
        body,
        respond,
        deps.home,
      )(errorReply(`I couldn't open the rejection form (Slack said ${slackError}), so nothing was rejected.`, 'Click Reject again.'));
      return;
    }
    // Off the trigger's clock now: check at once, so someone who may not reject sees why in
    // the modal instead of typing a reason first (this also warms the group caches for the submit).
    const gated = await decisions.load(jobId);
    const why = gated?.data.approval ? await decisions.refusal(who, gated, 'reject') : missing;
    if (!why || !opened.view?.id) return;
    if (gated) await decisions.refuse(who.userId, gated, 'reject', why);
    await client.views
      .update({ view_id: opened.view.id, ...(opened.view.hash && { hash: opened.view.hash }), view: refusedModal(why.text) })
      // A submit that got there first is answered by the submit handler itself.
      .catch((err: unknown) => deps.logger.debug({ err, jobId }, 'Reject modal changed before the refusal could be shown'));
  };
  app.action<BlockButtonAction>(ActionId.Reject, answerEveryClick(deps.logger, ActionId.Reject, listener, deps.home));
}

type SubmitCheck = { gated: Gated } | { refused: DecisionRefusal; gated?: Gated };

function registerRejectSubmit(app: App, deps: ApprovalActionDeps, decisions: ApprovalDecisions): void {
  const responseUrls = new ResponseUrlReplies(deps.fetch);
  const confirm = (meta: RejectMeta, userId: string, reply: EphemeralReply) => confirmRejection(deps, responseUrls, meta, userId, reply);

  async function submitCheck(who: { userId: string; teamId: string; apiAppId: string }, meta: RejectMeta | undefined): Promise<SubmitCheck> {
    const gated = meta ? await decisions.load(meta.jobId) : undefined;
    if (!gated?.data.approval) return { refused: missing };
    const why = await decisions.refusal(who, gated, 'reject');
    return why ? { refused: why, gated } : { gated };
  }

  app.view<ViewSubmitAction>(ViewId.RejectReason, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const who = { userId, teamId: body.team?.id ?? body.user.team_id ?? '', apiAppId: body.api_app_id };
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
      const checked = await withDeadline(submitCheck(who, meta), submitCheckMs);
      if (checked === 'timeout')
        return await formError("I couldn't check in time whether you may reject this (Slack is slow to answer right now). Submit again in a moment.");
      if ('refused' in checked) {
        if (checked.gated) await decisions.refuse(userId, checked.gated, 'reject', checked.refused);
        return await formError(checked.refused.text);
      }
      acked = true;
      await ack();
      await confirm(meta!, userId, ephemeral(await decisions.decide(userId, checked.gated, 'reject', reason || undefined)));
    } catch (err) {
      deps.logger.error({ err, view: ViewId.RejectReason, user: userId }, 'rejection failed');
      if (!acked) await formError(failureReply(err, 'so nothing was rejected').text);
      else if (meta) await confirm(meta, userId, failureReply(err, 'so the rejection may not have been recorded'));
    }
  });
}

/** The outcome, on the response_url of the Reject click (not a best-effort ephemeral), or on the Home it was made on. */
async function confirmRejection(
  deps: ApprovalActionDeps,
  responseUrls: ResponseUrlReplies,
  meta: RejectMeta,
  userId: string,
  reply: EphemeralReply,
): Promise<void> {
  if (meta.home) {
    if (!deps.home) deps.logger.warn({ jobId: meta.jobId }, 'rejection outcome not shown: a Home click, but no App Home is wired in');
    else
      await deps.home
        .notify(userId, { mrkdwn: reply.text })
        .catch((err: unknown) => deps.logger.warn({ err, jobId: meta.jobId }, 'could not show the rejection outcome on the App Home'));
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
