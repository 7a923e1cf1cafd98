import type { CardField, JobCard, JobStatus } from '../card.ts';
import type { Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl, registryResourceId, type RegistryRef } from '../registry-ref.ts';

/** Data of an `acr-query` job: a look at a registry (runs, a run's log, repositories, tags) or a run cancellation. */
export interface AcrQueryJobData {
  jobId: string;
  op: 'runs' | 'logs' | 'cancel' | 'repositories' | 'tags' | 'show' | 'replications' | 'tokens' | 'tasks' | 'task';
  requesterId: string;
  teamId: string;
  channelId: string;
  environment: string;
  queuedAt: string;
  target: RegistryRef;
  runId?: string;
  top?: number;
  status?: string;
  repository?: string;
  orderby?: 'time_desc' | 'time_asc';
  taskName?: string;
  phase: 'new' | 'done';
}

const titles: Record<AcrQueryJobData['op'], (d: AcrQueryJobData) => string> = {
  runs: (d) => `Runs of ${d.target.registry}${d.status ? ` (${d.status})` : ''}`,
  logs: (d) => `Log of run ${d.runId} in ${d.target.registry}`,
  cancel: (d) => `Cancel run ${d.runId} in ${d.target.registry}`,
  repositories: (d) => `Repositories of ${d.target.registry}`,
  tags: (d) => `Tags of ${d.repository} in ${d.target.registry}`,
  show: (d) => `Registry ${d.target.registry}`,
  replications: (d) => `Replications of ${d.target.registry}`,
  tokens: (d) => `Tokens of ${d.target.registry}`,
  tasks: (d) => `Tasks of ${d.target.registry}`,
  task: (d) => `Task ${d.taskName} in ${d.target.registry}`,
};

/** The card of an `acr-query` job; the answer itself goes in its thread. */
export function acrQueryCard(data: AcrQueryJobData, status: JobStatus, portal: string, detail?: Mrkdwn, finishedAt?: string, fields: CardField[] = []): JobCard {
  return {
    jobId: data.jobId,
    title: titles[data.op](data),
    requesterId: data.requesterId,
    environment: data.environment,
    status,
    ...(detail && { detail }),
    fields: fields.slice(0, 10),
    links: [{ label: 'Registry in Azure portal', url: portalResourceUrl(portal, registryResourceId(data.target)) }],
    actions: [],
    queuedAt: data.queuedAt,
    ...(finishedAt && { finishedAt }),
  };
}
