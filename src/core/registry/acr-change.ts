import type { ApprovalState } from '../approval/approvals.ts';
import { contextPathOf, type TaskDefinition } from '../build/task.ts';
import { decisionActions, type CardField, type JobCard, type JobStatus } from '../card.ts';
import type { RepositoryAction } from '../commands/acr-token.ts';
import { approvalDetail } from '../deploy/deploy-card.ts';
import { md, type Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl, registryResourceId, type RegistryRef } from '../registry-ref.ts';

/** One change to a registry, from `/acr update|replication|token create|task create|task delete`. */
export type AcrChange =
  | { op: 'update'; adminEnabled: boolean }
  | { op: 'replication.create'; location: string }
  | { op: 'replication.delete'; location: string }
  | { op: 'token.create'; token: string; repositories: { repository: string; actions: RepositoryAction[] }[]; expirationDays: number }
  | { op: 'task.create'; task: TaskDefinition }
  | { op: 'task.delete'; task: string };

/** Changes that remove something: the requester confirms them, or the environment's approvers approve. */
export const destructiveChanges: ReadonlySet<AcrChange['op']> = new Set(['replication.delete', 'task.delete']);

/** Data of an `acr-change` job. No secrets: job data is stored in clear text. */
export interface AcrChangeJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  environment: string;
  queuedAt: string;
  target: RegistryRef;
  change: AcrChange;
  approval?: { mode: 'approval' | 'confirm'; required: number; expiresAfterMs: number };
  progress: {
    /** `started`: the long-running part was sent to Azure and is followed with GETs (replicas). */
    phase: 'new' | 'awaiting-approval' | 'ready' | 'started' | 'done';
    outcome?: 'succeeded' | 'failed' | 'rejected' | 'expired';
    approvalShown?: string;
    startedAt?: string;
    /** Replica delete: set just before the DELETE is sent. */
    sendingAt?: string;
    /** Token create: where its password went. */
    secretName?: string;
    passwordExpiry?: string;
  };
}

/** The plan hash approvers see: what exactly is changed where. */
export function acrChangePlan(data: Pick<AcrChangeJobData, 'target' | 'change'>): string {
  return `${data.change.op}:${registryResourceId(data.target)}:${JSON.stringify(data.change)}`;
}

export function acrChangeTitle(data: Pick<AcrChangeJobData, 'target' | 'change'>): string {
  const { change } = data;
  const registry = data.target.registry;
  switch (change.op) {
    case 'update':
      return `${change.adminEnabled ? 'Enable' : 'Disable'} the admin user of ${registry}`;
    case 'replication.create':
      return `Replicate ${registry} to ${change.location}`;
    case 'replication.delete':
      return `Delete the ${change.location} replica of ${registry}`;
    case 'token.create':
      return `Create token ${change.token} in ${registry}`;
    case 'task.create':
      return `Create task ${change.task.name} in ${registry}`;
    case 'task.delete':
      return `Delete task ${change.task} from ${registry}`;
  }
}

function changeFields(data: AcrChangeJobData): CardField[] {
  const { change } = data;
  const fields: CardField[] = [{ label: 'Registry', value: data.target.registry, code: true }];
  switch (change.op) {
    case 'replication.create':
    case 'replication.delete':
      fields.push({ label: 'Location', value: change.location, code: true });
      break;
    case 'token.create':
      fields.push({ label: 'Scope', value: change.repositories.map((r) => `${r.repository}: ${r.actions.join(' ')}`).join('\n'), code: true });
      fields.push({
        label: 'Password expires',
        value: data.progress.passwordExpiry ? data.progress.passwordExpiry.slice(0, 10) : `in ${change.expirationDays} days`,
      });
      if (data.progress.secretName) fields.push({ label: 'Key Vault secret', value: data.progress.secretName, code: true });
      break;
    case 'task.create': {
      const t = change.task;
      fields.push({ label: 'Context', value: contextPathOf(t), code: true });
      fields.push({ label: 'Image', value: t.images.join('\n'), code: true });
      fields.push({ label: 'Dockerfile', value: t.file, code: true });
      const triggers = [t.commitTrigger ? `commit to ${t.branch}` : '', t.baseImageTrigger ? 'base image update' : ''].filter(Boolean).join(', ');
      fields.push({ label: 'Triggers', value: triggers || 'none (run with /acr task run)' });
      if (t.gitTokenSecret) fields.push({ label: 'Git token', value: `Key Vault secret ${t.gitTokenSecret}` });
      break;
    }
    case 'task.delete':
      fields.push({ label: 'Task', value: change.task, code: true });
      break;
    case 'update':
      fields.push({ label: 'Admin user', value: change.adminEnabled ? 'enabled' : 'disabled' });
      break;
  }
  return fields;
}

export interface AcrChangeCardState {
  status: JobStatus;
  detail?: Mrkdwn;
  approval?: ApprovalState;
  approvers?: readonly string[];
  finishedAt?: string;
  portal: string;
}

/** The card of an `acr-change` job; pure. */
export function acrChangeCard(data: AcrChangeJobData, state: AcrChangeCardState): JobCard {
  const approvalLine = state.approval ? approvalDetail(state.approval, state.approvers ?? []) : undefined;
  const detail = state.detail && approvalLine ? md`${approvalLine}\n${state.detail}` : (state.detail ?? approvalLine);
  const actions = decisionActions(state.status, state.approval?.mode);
  const title = acrChangeTitle(data);
  return {
    jobId: data.jobId,
    title,
    requesterId: data.requesterId,
    environment: data.environment,
    status: state.status,
    ...(detail !== undefined && { detail }),
    fields: changeFields(data),
    links: [{ label: 'Registry in Azure portal', url: portalResourceUrl(state.portal, registryResourceId(data.target)) }],
    actions,
    actionSubject: `${title} (${data.environment})`,
    queuedAt: data.queuedAt,
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
}
