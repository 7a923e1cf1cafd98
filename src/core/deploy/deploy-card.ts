import type { ApprovalState } from '../approval/approvals.ts';
import type { CardAction, CardField, JobCard, JobStatus } from '../card.ts';
import { joinMrkdwn, md, mention, mentionAny, type Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl } from '../registry-ref.ts';
import type { ContainerGroupView } from './container-group.ts';
import { containerGroupResourceId, type DeployJobData } from './deploy-job.ts';

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

/** The card of a deploy (or rollback) job in a given state; pure. */
export function deployCard(data: DeployJobData, state: DeployCardState): JobCard {
  const { request, target } = data;
  const plan = data.progress.plan;
  const fields: CardField[] = [
    { label: 'Target', value: `${target.subscriptionId}\n${target.resourceGroup} · ${target.location}` },
    { label: plan ? 'Image (pinned)' : 'Image', value: plan ? plan.image : request.image.text, code: true },
    { label: 'Size', value: `${request.cpu} CPU · ${request.memoryInGB} GB · restart ${request.restartPolicy}` },
    {
      label: 'Network',
      value: `${request.ipAddress} IP · ports ${request.ports.join(', ')}/${request.protocol}${request.dnsNameLabel ? ` · DNS ${request.dnsNameLabel}` : ''}${request.subnet ? ` · subnet ${request.subnet.split('/').pop()}` : ''}`,
    },
  ];
  const envNames = request.environmentVariables.map((v) => v.name);
  if (envNames.length > 0) fields.push({ label: 'Environment variables', value: envNames.join(', '), code: true });
  const secureNames = request.secureEnvironmentVariables.map((v) => `${v.name} ← Key Vault ${v.secretName}`);
  if (secureNames.length > 0) fields.push({ label: 'Secure variables', value: secureNames.join('\n'), code: true });
  if (plan?.tag) fields.push({ label: 'Tag at plan time', value: `${plan.repository}:${plan.tag}`, code: true });
  const group = state.group;
  if (group) {
    fields.push({ label: 'State', value: [group.provisioningState, group.state].filter(Boolean).join(' · ') || 'unknown' });
    if (group.fqdn || group.ip) fields.push({ label: 'Address', value: [group.fqdn, group.ip].filter(Boolean).join('\n'), code: true });
  }
  if (plan) fields.push({ label: 'Plan', value: plan.hash, code: true });

  const approvalLine = state.approval ? approvalDetail(state.approval, state.approvers ?? []) : undefined;
  const detail = state.detail && approvalLine ? md`${approvalLine}\n${state.detail}` : (state.detail ?? approvalLine);
  const actions: CardAction[] = [];
  if (state.status === 'awaiting_approval') {
    actions.push(...(state.approval?.mode === 'confirm' ? (['confirm', 'dismiss'] as const) : (['approve', 'reject'] as const)));
  }
  if ((state.status === 'succeeded' || state.status === 'failed') && data.progress.plan) actions.push('rollback');
  const title = data.rollbackOf ? `Roll back ${target.name}` : `Deploy ${target.name} (${request.image.text})`;
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
    actionSubject: `${data.rollbackOf ? 'Roll back' : 'Deploy'} ${target.name} in ${data.environment}`,
    queuedAt: data.queuedAt,
    ...(data.progress.startedAt !== undefined && { startedAt: data.progress.startedAt }),
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
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
      return approval.mode === 'confirm' ? md`Dismissed by ${mention(r.userId)} at ${hhmm(r.at)}.` : md`Rejected by ${mention(r.userId)} at ${hhmm(r.at)}${reason}`;
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
