import { decisionActions, type CardField, type JobCard } from '../card.ts';
import { md } from '../mrkdwn.ts';
import { portalResourceUrl } from '../registry-ref.ts';
import type { AciActionJobData } from './aci-action-job.ts';
import type { ContainerGroupView } from './container-group.ts';
import { approvalDetail, type DeployCardState } from './deploy-card.ts';
import { containerGroupResourceId } from './deploy-job.ts';

export const aciActionVerbs: Record<AciActionJobData['op'], string> = {
  show: 'Show',
  logs: 'Logs of',
  restart: 'Restart',
  stop: 'Stop',
  start: 'Start',
  delete: 'Delete',
  list: 'List container groups in',
};

/** What an aci-action card shows besides its job data: the same as a deploy card's. */
export type AciActionCardState = DeployCardState;

/** A container group's state, address, ports and first containers, as card or answer fields. */
export function containerGroupFields(group: ContainerGroupView): CardField[] {
  const fields: CardField[] = [{ label: 'State', value: [group.provisioningState, group.state].filter(Boolean).join(' · ') || 'unknown' }];
  if (group.fqdn || group.ip) fields.push({ label: 'Address', value: [group.fqdn, group.ip].filter(Boolean).join('\n'), code: true });
  if (group.ports.length > 0) fields.push({ label: 'Ports', value: group.ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ') });
  for (const c of group.containers.slice(0, 3)) {
    fields.push({
      label: `Container ${c.name}`,
      value: `${c.image}\n${[c.state, c.detailStatus, c.restartCount ? `${c.restartCount} restarts` : ''].filter(Boolean).join(' · ')}`,
      code: true,
    });
  }
  return fields;
}

/** The card of a lifecycle job (`/aci show|logs|restart|stop|start|delete|list`); pure. */
export function aciActionCard(data: AciActionJobData, state: AciActionCardState): JobCard {
  const { target } = data;
  const what = data.op === 'list' ? target.resourceGroup : target.name;
  const fields: CardField[] = [{ label: 'Target', value: `${target.subscriptionId}\n${target.resourceGroup}${data.op === 'list' ? '' : ` / ${target.name}`}` }];
  if (state.group) fields.push(...containerGroupFields(state.group));
  const approvalLine = state.approval ? approvalDetail(state.approval, state.approvers ?? []) : undefined;
  const detail = state.detail && approvalLine ? md`${approvalLine}\n${state.detail}` : (state.detail ?? approvalLine);
  const actions = decisionActions(state.status, state.approval?.mode);
  return {
    jobId: data.jobId,
    title: `${aciActionVerbs[data.op]} ${what}`,
    requesterId: data.requesterId,
    environment: data.environment,
    status: state.status,
    ...(detail !== undefined && { detail }),
    fields: fields.slice(0, 10),
    links:
      data.op === 'list' || data.op === 'delete'
        ? []
        : [{ label: 'Container group in Azure portal', url: portalResourceUrl(state.portal, containerGroupResourceId(target)) }],
    actions,
    actionSubject: `${aciActionVerbs[data.op]} ${what} in ${data.environment}`,
    queuedAt: data.queuedAt,
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
}
