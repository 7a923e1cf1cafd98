import type { CardField, JobCard, JobStatus } from '../card.ts';
import { hhmm } from '../deploy/deploy-card.ts';
import { joinMrkdwn, md, type Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl } from '../registry-ref.ts';
import type { PromoteJobData } from './promote-job.ts';
import { registryResourceId } from './promote-job.ts';

export interface PromoteCardState {
  status: JobStatus;
  detail?: Mrkdwn;
  finishedAt?: string;
  portal: string;
  /** The target registry, for the portal link once it is known. */
  targetRegistry?: { subscriptionId: string; resourceGroup: string; name: string };
}

/** `web` (group) or `web:v1` (tag): what is promoted, as the command named it. */
export function promoteSubjectText(data: Pick<PromoteJobData, 'subject'>): string {
  return data.subject.kind === 'group' ? data.subject.name : `${data.subject.repository}:${data.subject.tag}`;
}

/** The card of a promotion: where the digest comes from, where it goes, and the deploy it starts. */
export function promoteCard(data: PromoteJobData, state: PromoteCardState): JobCard {
  const source = data.progress.source;
  const fields: CardField[] = [];
  if (source) {
    fields.push({ label: `Source (${data.from})`, value: `${source.loginServer}/${source.repository}@${source.digest}`, code: true });
    const provenance = [
      source.since && `running since ${hhmm(source.since)} (${source.since.slice(0, 10)})`,
      source.commit && `commit ${source.commit}`,
      source.runId && `ACR run ${source.runId}`,
    ].filter(Boolean);
    if (provenance.length > 0) fields.push({ label: 'Provenance', value: provenance.join('\n') });
    const where = data.progress.targetLoginServer ?? data.environment;
    fields.push({
      label: `Target (${data.environment})`,
      value: source.tag ? `${where}/${source.repository}:${source.tag} (by digest)` : `${where}/${source.repository}@digest (untagged)`,
      code: true,
    });
  }
  if (data.progress.deployJobId) fields.push({ label: 'Deploy', value: `job ${data.progress.deployJobId}` });
  const lines: Mrkdwn[] = [];
  if (data.progress.movedFrom && source?.tag)
    lines.push(md`${source.repository}:${source.tag} in ${data.environment} pointed at ${data.progress.movedFrom}; it now points at the promoted digest.`);
  if (state.detail) lines.push(state.detail);
  const what = promoteSubjectText(data);
  return {
    jobId: data.jobId,
    title: `Promote ${what} from ${data.from} to ${data.environment}${data.subject.kind === 'image' ? ' (registry only)' : ''}`,
    requesterId: data.requesterId,
    environment: data.environment,
    status: state.status,
    ...(lines.length > 0 && { detail: joinMrkdwn(lines, '\n') }),
    fields,
    links: state.targetRegistry
      ? [{ label: 'Target registry in Azure portal', url: portalResourceUrl(state.portal, registryResourceId(state.targetRegistry)) }]
      : [],
    actions: [],
    queuedAt: data.queuedAt,
    ...(data.progress.startedAt !== undefined && { startedAt: data.progress.startedAt }),
    ...(state.finishedAt !== undefined && { finishedAt: state.finishedAt }),
  };
}
