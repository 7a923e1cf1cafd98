import type { ApprovalState } from '../approval/approvals.ts';
import { decisionActions, type CardField, type JobCard, type JobStatus } from '../card.ts';
import { joinMrkdwn, md, mention, mentionAny, type Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl } from '../registry-ref.ts';
import type { ContainerGroupView } from './container-group.ts';
import { containerGroupResourceId, type DeployJobData, type DeployPlan, type PromotionNote } from './deploy-job.ts';
import { describePlan, itemsForCard, replacementNotice, type PlanView } from './plan-view.ts';

export interface DeployCardState {
  status: JobStatus;
  detail?: Mrkdwn;
  approval?: ApprovalState;
  /** Who may approve, for the "needs approval from" line. */
  approvers?: readonly string[];
  group?: ContainerGroupView;
  finishedAt?: string;
  portal: string;
}

/** `12:03 UTC`: cards are data, so times are plain text (the Slack layer localises only the footer). */
export function hhmm(iso: string): string {
  return `${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

/** The name of the file a plan too long for its card goes to. */
export function planFileName(data: DeployJobData, plan: DeployPlan): string {
  return `plan-${data.target.name}-${plan.hash}.txt`;
}

/** The first line of a plan file: which job, which group. */
export function planFileHeading(data: DeployJobData): string {
  return `${data.rollbackOf ? 'Roll back' : 'Deploy'} ${data.target.name} in ${data.environment} (job ${data.jobId}, requested by ${data.requesterId})`;
}

/** What the card shows of the plan, and whether the thread has the rest as a file. */
export function planOnCard(data: DeployJobData, plan: DeployPlan): { fields: CardField[]; complete: boolean; fileName: string; view: PlanView } {
  const fileName = planFileName(data, plan);
  const view = describePlan(plan);
  const { items, complete } = itemsForCard(view, fileName);
  return { fields: items.map((i) => ({ label: i.label, value: i.lines.join('\n'), ...(i.code && { code: true }) })), complete, fileName, view };
}

/** The card of a deploy (or rollback) job in a given state; pure. */
export function deployCard(data: DeployJobData, state: DeployCardState): JobCard {
  const { request, target } = data;
  const plan = data.progress.plan;
  const fields: CardField[] = [];
  const notes: Mrkdwn[] = [];
  const source = data.source;
  if (source) {
    // Dev follows main: which run (and commit) this deploy rolls out, so the channel sees what runs where.
    fields.push({ label: 'From', value: `run ${source.runId} of task ${source.task}${source.commitId ? `, commit ${source.commitId}` : ''}` });
    if (state.status === 'succeeded')
      notes.push(
        md`${source.commitId ? `Commit ${source.commitId}` : `Run ${source.runId}`} of ${source.task} is running in ${target.name} (${data.environment}).`,
      );
  }
  if (plan) {
    // Everything that will be sent, from the same plan the PUT and the hash are made of.
    const shown = planOnCard(data, plan);
    fields.push(...shown.fields);
    const changes = shown.view.replacement?.changes;
    if (changes)
      notes.push(md`:warning: This ${replacementNotice}.${changes.length > 0 ? `\n${changes.join('\n')}` : '\nAzure refused to update it in place.'}`);
    if (!shown.complete) notes.push(md`The whole plan is in the attached ${shown.fileName}.`);
  } else {
    fields.push({
      label: 'Target',
      value: `${target.name} in resource group ${target.resourceGroup}\n${target.location} · subscription ${target.subscriptionId}`,
    });
    fields.push({ label: 'Image', value: request.image.text, code: true });
  }
  const group = state.group;
  if (group) {
    const now = [group.provisioningState, group.state].filter(Boolean).join(' · ') || 'unknown';
    fields.push({ label: 'State', value: [now, group.fqdn, group.ip].filter(Boolean).join('\n') });
  }

  const approvalLine = state.approval ? approvalDetail(state.approval, state.approvers ?? []) : undefined;
  const promotion = data.promotion ? [promotionLine(data.promotion)] : [];
  const detail = joinLines([...promotion, ...(approvalLine ? [approvalLine] : []), ...notes, ...(state.detail ? [state.detail] : [])]);
  const actions = decisionActions(state.status, state.approval?.mode);
  if (state.status === 'failed' && data.progress.inPlaceRefused) actions.push('replace');
  if ((state.status === 'succeeded' || state.status === 'failed') && data.progress.plan) actions.push('rollback');
  const verb = data.rollbackOf ? 'Roll back' : plan?.replaces ? 'Replace' : 'Deploy';
  const title = data.rollbackOf ? `Roll back ${target.name}` : `${verb} ${target.name} (${request.image.text})`;
  return {
    jobId: data.jobId,
    title,
    requesterId: data.requesterId,
    environment: data.environment,
    status: state.status,
    ...(detail !== undefined && { detail }),
    fields: fields.slice(0, 10),
    links: plan ? [{ label: 'Container group in Azure portal', url: portalResourceUrl(state.portal, containerGroupResourceId(target)) }] : [],
    actions,
    actionSubject: `${verb} ${target.name} in ${data.environment}`,
    queuedAt: data.queuedAt,
    ...(data.progress.startedAt !== undefined && { startedAt: data.progress.startedAt }),
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
}

/** What an approver of a promotion's deploy reads first: which digest, running where since when, built from which commit. */
export function promotionLine(note: PromotionNote): Mrkdwn {
  const since = note.since ? ` since ${hhmm(note.since)} on ${note.since.slice(0, 10)}` : '';
  const commit = note.commit ? `, built from commit ${note.commit}` : '';
  return md`:arrow_up: Promotion of the digest running in ${note.from}${since}: ${note.repository}@${note.digest}${commit} (promotion job ${note.promoteJobId}).`;
}

function joinLines(parts: readonly Mrkdwn[]): Mrkdwn | undefined {
  return parts.length > 0 ? joinMrkdwn(parts, '\n') : undefined;
}

/** "Approved by @a at 12:03", "Needs 2 approvals from @leads (1 so far) · expires 13:03 UTC", … */
export function approvalDetail(approval: ApprovalState, approvers: readonly string[]): Mrkdwn {
  const by = joinMrkdwn(approval.approvals.map((a) => md`${mention(a.userId)} at ${hhmm(a.at)}`));
  switch (approval.status) {
    case 'approved':
      return approval.mode === 'confirm' ? md`Confirmed by ${by}.` : md`Approved by ${by}.`;
    case 'rejected': {
      const r = approval.rejection!;
      const reason = r.reason ? md`: ${r.reason}` : md``;
      return approval.mode === 'confirm'
        ? md`Dismissed by ${mention(r.userId)} at ${hhmm(r.at)}.`
        : md`Rejected by ${mention(r.userId)} at ${hhmm(r.at)}${reason}`;
    }
    case 'expired':
      return md`Expired at ${hhmm(approval.expiresAt)}: nobody ${approval.mode === 'confirm' ? 'confirmed' : 'approved'} it in time, so nothing was changed.`;
    case 'pending': {
      if (approval.mode === 'confirm') return md`Waiting for ${mention(approval.requesterId)} to confirm · expires ${hhmm(approval.expiresAt)}.`;
      const who = joinMrkdwn(approvers.map(mentionAny), ' or ');
      const n = approval.required;
      const sofar = approval.approvals.length > 0 ? md` (approved so far by ${by})` : md``;
      return md`Needs ${n} approval${n === 1 ? '' : 's'} from ${who}${sofar}, not the requester · expires ${hhmm(approval.expiresAt)}.`;
    }
  }
}
