import type { CardField, JobCard, JobStatus } from '../card.ts';
import type { Mrkdwn } from '../mrkdwn.ts';
import { portalResourceUrl, registryResourceId, type RegistryRef } from '../registry-ref.ts';

/** The `/acr` subcommand (and access-policy action) behind each `acr-query` op. */
export const acrQueryActions = {
  runs: 'acr.runs',
  logs: 'acr.logs',
  cancel: 'acr.cancel',
  repositories: 'acr.repository.list',
  tags: 'acr.repository.show-tags',
  show: 'acr.show',
  replications: 'acr.replication.list',
  tokens: 'acr.token.list',
  tasks: 'acr.task.list',
  task: 'acr.task.show',
} as const;

/** `declared`: a lookup its command spec declares (`CommandSpec.query`); the rest predate specs. */
export type AcrQueryOp = keyof typeof acrQueryActions | 'declared';

/** Every op only looks, except `cancel`, which changes Azure and so keeps a public card. */
export function isReadOnlyAcrQuery(op: AcrQueryOp): boolean {
  return op !== 'cancel';
}

/** A lookup declared by its command spec: which query the job runs, and with what. */
export interface DeclaredAcrQuery {
  /** The spec's `query.op`, e.g. `replication`. */
  query: string;
  title: string;
  /** The spec's access action, which the answer's Share button is audited under. */
  action: string;
  params: Record<string, string | number>;
}

/** The access action the answer of this job answers for. */
export function acrQueryAction(data: AcrQueryJobData): string {
  return data.op === 'declared' ? (data.declared?.action ?? 'acr.query') : acrQueryActions[data.op];
}

/** Data of an `acr-query` job: a look at a registry (runs, a run's log, repositories, tags) or a run cancellation. */
export interface AcrQueryJobData {
  jobId: string;
  op: AcrQueryOp;
  requesterId: string;
  teamId: string;
  channelId: string;
  /** Where the answer of a read-only op goes (the command's response_url). */
  responseUrl?: string;
  environment: string;
  queuedAt: string;
  target: RegistryRef;
  runId?: string;
  top?: number;
  status?: string;
  repository?: string;
  orderby?: 'time_desc' | 'time_asc';
  taskName?: string;
  /** Present when `op` is `declared`. */
  declared?: DeclaredAcrQuery;
  phase: 'new' | 'done';
}

const titles: Record<AcrQueryOp, (d: AcrQueryJobData) => string> = {
  runs: (d) => `Runs of ${d.target.registry}${d.status ? ` with status ${d.status}` : ''}`,
  logs: (d) => `Log of run ${d.runId} in ${d.target.registry}`,
  cancel: (d) => `Cancel run ${d.runId} in ${d.target.registry}`,
  repositories: (d) => `Repositories of ${d.target.registry}`,
  tags: (d) => `Tags of ${d.repository} in ${d.target.registry}`,
  show: (d) => `Registry ${d.target.registry}`,
  replications: (d) => `Replications of ${d.target.registry}`,
  tokens: (d) => `Tokens of ${d.target.registry}`,
  tasks: (d) => `Tasks of ${d.target.registry}`,
  task: (d) => `Task ${d.taskName} in ${d.target.registry}`,
  declared: (d) => d.declared?.title ?? `Registry ${d.target.registry}`,
};

/** What the job answers, e.g. "Runs of contosodev": the title of its answer (or card). */
export function acrQueryTitle(data: AcrQueryJobData): string {
  return titles[data.op](data);
}

/** The card of an `acr-query` job that changes Azure (`/acr cancel`). */
export function acrQueryCard(
  data: AcrQueryJobData,
  status: JobStatus,
  portal: string,
  detail?: Mrkdwn,
  finishedAt?: string,
  fields: CardField[] = [],
): JobCard {
  return {
    jobId: data.jobId,
    title: acrQueryTitle(data),
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
