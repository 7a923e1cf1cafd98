import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals, ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { describeFailure } from './job-failures.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { aciActionCard, containerGroupFields } from '../src/core/deploy/aci-action-card.ts';
import { explainAciError } from '../src/core/deploy/explain-failure.ts';
import { isReadOnlyAciOp, type AciActionJobData } from '../src/core/deploy/aci-action-job.ts';
import { containerGroupResourceId } from '../src/core/deploy/deploy-job.ts';
import { counted, type PrivateAnswers, type QueryAnswer } from '../src/core/query-answer.ts';
import { portalResourceUrl } from '../src/core/registry-ref.ts';
import type { ContainerGroupView } from '../src/core/deploy/container-group.ts';
import type { DeployHistory, GroupLocks } from '../src/core/deploy/deploy-job.ts';
import type { ContainerGroups } from '../src/core/deploy/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { decisionOf, openApproval } from './approval-gate.ts';
import { describeEvents, lockTtlMs } from './aci-shared.ts';
import { nowOf, progressed, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { answerOrFailure, deliverPrivately } from './private-answer.ts';

export interface AciActionJobDeps {
  aci: ContainerGroups;
  approvals: Approvals;
  locks: GroupLocks;
  /** Changes happen only once their audit record is written. */
  audit: AuditLog;
  reporter: JobReporter;
  /** Where `show`, `logs` and `list` answers go: to the requester alone. */
  answers: PrivateAnswers;
  /** Told when a group is deleted, so it no longer shows as deployed. */
  history?: Pick<DeployHistory, 'removed'>;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

const defaultTail = 100;

/** The title of a read-only op's answer (its failure too). */
function queryTitle(data: AciActionJobData): string {
  if (data.op === 'list') return `Container groups in ${data.target.resourceGroup}`;
  return data.op === 'logs' ? `Logs of ${data.target.name}` : `Container group ${data.target.name}`;
}

type Run = StepRun<AciActionJobData>;
type Phase = AciActionJobData['progress']['phase'] | 'query';
type CardExtra = { detail?: Mrkdwn; approval?: ApprovalState; group?: ContainerGroupView; finishedAt?: string };

function showCard(deps: AciActionJobDeps, data: AciActionJobData, status: JobStatus, extra: CardExtra = {}): Promise<void> {
  const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
  return deps.reporter.updateCard(aciActionCard(data, { status, portal: deps.portal, approvers, ...extra }));
}

async function approvalOf(deps: AciActionJobDeps, data: AciActionJobData): Promise<{ approval?: ApprovalState }> {
  if (!data.approval) return {};
  const approval = await deps.approvals.get(data.jobId);
  return approval ? { approval } : {};
}

/** What every answer of a query starts from: its title, environment and links. */
type AnswerBase = { title: string; environment: string; links: QueryAnswer['links'] };

function explain(data: AciActionJobData, err: unknown): { text: string; hint: string } {
  return explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup }) ?? describeFailure(err);
}

/** What `show` found. */
async function showGroup(deps: AciActionJobDeps, data: AciActionJobData, base: AnswerBase): Promise<QueryAnswer> {
  const { target } = data;
  const group = await deps.aci.get(target);
  return {
    ...base,
    summary: md`${target.name} is ${group.state ?? group.provisioningState ?? 'in an unknown state'}.`,
    fields: containerGroupFields(group),
    ...(group.events.length > 0 && {
      text: { filename: `${target.name}-events.txt`, title: `Events of ${target.name}`, content: describeEvents(group), keep: 'tail' as const },
    }),
  };
}

/** What `logs` found: the tail of one container's log. */
async function groupLogs(deps: AciActionJobDeps, data: AciActionJobData, base: AnswerBase): Promise<QueryAnswer> {
  const { target } = data;
  const group = await deps.aci.get(target);
  const container = data.containerName ?? group.containers[0]?.name ?? target.name;
  const tail = data.tail ?? defaultTail;
  const text = (await deps.aci.logs(target, container, tail)).replace(/\r\n?/g, '\n').trimEnd();
  if (text.trim() === '') return { ...base, summary: md`Container ${container} has written no log yet.` };
  return {
    ...base,
    summary: md`The last ${tail} lines of container ${container}:`,
    text: { filename: `${target.name}-${container}.log`, title: `Last ${tail} lines of ${container}`, content: text, keep: 'tail' },
  };
}

/** What `list` found: the groups of the resource group. */
async function listGroups(deps: AciActionJobDeps, data: AciActionJobData): Promise<QueryAnswer> {
  const { target } = data;
  const groups = await deps.aci.list(target);
  const base = { title: queryTitle(data), environment: data.environment };
  if (groups.length === 0) return { ...base, summary: md`There are no container groups in ${target.resourceGroup}.` };
  const lines = groups.map((g) => `${g.name}  ${[g.provisioningState, g.state].filter(Boolean).join('/')}  ${g.fqdn ?? g.ip ?? ''}`.trimEnd());
  return {
    ...base,
    summary: md`${counted(groups.length, 'container group')}:`,
    text: { filename: `container-groups-${target.resourceGroup}.txt`, title: base.title, content: lines.join('\n') },
  };
}

/** What a read-only op (`show`, `logs`, `list`) found, for the requester alone. */
export async function query(deps: AciActionJobDeps, data: AciActionJobData): Promise<QueryAnswer> {
  const base = {
    title: queryTitle(data),
    environment: data.environment,
    links: [{ label: 'Container group in Azure portal', url: portalResourceUrl(deps.portal, containerGroupResourceId(data.target)) }],
  };
  switch (data.op) {
    case 'show':
      return showGroup(deps, data, base);
    case 'logs':
      return groupLogs(deps, data, base);
    case 'list':
      return listGroups(deps, data);
    default:
      throw new TypeError(`${data.op} changes the container group; it is not a query`);
  }
}

/** Step of `show`, `logs` and `list`: the answer (or what went wrong), to the requester alone. */
export async function answerQuery(deps: AciActionJobDeps, run: Run): Promise<AciActionJobData> {
  const { data } = run;
  const result = await answerOrFailure(run, () => query(deps, data), {
    title: queryTitle(data),
    environment: data.environment,
    explain: (err) => explain(data, err),
  });
  await deliverPrivately(deps.answers, data, `aci.${data.op}`, result);
  return run.save(progressed(data, { phase: 'done', outcome: result.failure ? 'failed' : 'succeeded' }));
}

/** Runs a change; returns the card's closing state. */
async function perform(deps: AciActionJobDeps, run: Run): Promise<{ detail: Mrkdwn; group?: ContainerGroupView }> {
  const { target } = run.data;
  switch (run.data.op) {
    case 'restart':
      await deps.aci.restart(target);
      return { detail: md`${target.name} was restarted.`, group: await deps.aci.get(target) };
    case 'stop':
      await deps.aci.stop(target);
      return { detail: md`${target.name} was stopped; its containers no longer run (and are no longer billed).`, group: await deps.aci.get(target) };
    case 'start':
      await deps.aci.start(target);
      return { detail: md`${target.name} was started.`, group: await deps.aci.get(target) };
    case 'delete':
      await deps.aci.delete(target);
      await deps.history?.removed?.(target);
      run.log.info({ group: target.name }, 'container group deleted');
      return { detail: md`${target.name} was deleted.` };
    default:
      throw new TypeError(`${run.data.op} only looks; it has no card`);
  }
}

/** Step `new` of a change: opens its approval when it needs one. */
export async function request(deps: AciActionJobDeps, run: Run): Promise<AciActionJobData> {
  const { data } = run;
  if (!data.approval) return run.save(progressed(data, { phase: 'ready' }));
  const { target } = data;
  await openApproval(
    deps.approvals,
    { ...data, approval: data.approval },
    `${data.op}:${target.subscriptionId}/${target.resourceGroup}/${target.name}`,
    nowOf(deps),
  );
  return run.save(progressed(data, { phase: 'awaiting-approval' }));
}

/** Step `awaiting-approval`: sleeps until the decision; a rejected or expired change ends the job. */
export async function approve(deps: AciActionJobDeps, run: Run): Promise<AciActionJobData> {
  const { data } = run;
  const gate = await decisionOf(deps.approvals, run, nowOf(deps), (d, approval) => showCard(deps, d, 'awaiting_approval', { approval }));
  if (gate.kind === 'rejected' || gate.kind === 'expired') {
    await showCard(deps, data, gate.kind, { approval: gate.state, finishedAt: nowOf(deps).toISOString() });
    return run.save(progressed(data, { phase: 'done', outcome: gate.kind }));
  }
  return run.save(progressed(data, { phase: 'ready' }));
}

/** Step `ready`: with the group's lock (or waiting for it) and the audit record written, the change. */
export async function change(deps: AciActionJobDeps, run: Run): Promise<AciActionJobData> {
  const { data } = run;
  const lock = await deps.locks.acquire(data.target, data.jobId, lockTtlMs);
  if (!lock.acquired) {
    if (data.progress.waitingFor !== lock.holder) {
      const waiting = await run.save(progressed(data, { waitingFor: lock.holder }));
      await showCard(deps, waiting, 'queued', {
        detail: md`Waiting for job ${lock.holder}, which is changing ${data.target.name} right now.`,
        ...(await approvalOf(deps, waiting)),
      });
    }
    return run.wakeAfter(deps.pollIntervalMs * 2);
  }
  await deps.audit.record({
    actor: 'system',
    action: `aci.${data.op}.apply`,
    outcome: 'accepted',
    environment: data.environment,
    target: data.target.name,
    jobId: data.jobId,
    details: { requester: data.requesterId },
  });
  await showCard(deps, data, 'running', { detail: md`Working on ${data.target.name}…`, ...(await approvalOf(deps, data)) });
  const result = await perform(deps, run);
  await showCard(deps, data, 'succeeded', { ...result, finishedAt: nowOf(deps).toISOString(), ...(await approvalOf(deps, data)) });
  const done = await run.save(progressed(data, { phase: 'done', outcome: 'succeeded', ...(result.group && { group: result.group }) }));
  await deps.locks.release(data.target, data.jobId);
  return done;
}

/** A change that failed for good: said in the thread and on the card, and the lock released. A query's failure fails the attempt. */
export async function reportFailure(deps: AciActionJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  if (isReadOnlyAciOp(data.op)) throw err;
  const described = explain(data, err);
  run.log.warn({ err }, `aci ${data.op} failed`);
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await showCard(deps, data, 'failed', {
    detail: md`${described.text}`,
    finishedAt: nowOf(deps).toISOString(),
    ...(await approvalOf(deps, data).catch(() => ({}))),
  });
  await run.save(progressed(data, { phase: 'done', outcome: 'failed' }));
  await deps.locks.release(data.target, data.jobId);
}

/**
 * The `aci-action` job: show, logs, list, restart, stop, start and delete of container groups.
 * `show`, `logs` and `list` answer the requester privately. Changes report on a card, take the
 * group's lock (one change at a time); delete waits for its approval or the requester's
 * confirmation first.
 */
export const aciActionJob: StepJob<AciActionJobData, AciActionJobDeps, Phase> = {
  phaseOf: (data) => (data.progress.phase !== 'done' && isReadOnlyAciOp(data.op) ? 'query' : data.progress.phase),
  steps: { query: answerQuery, new: request, 'awaiting-approval': approve, ready: change },
  fail: reportFailure,
};

export function createAciActionJob(deps: AciActionJobDeps): JobHandler<AciActionJobData> {
  return runSteps(aciActionJob, deps);
}
