import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals, ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { aciActionCard, containerGroupFields } from '../src/core/deploy/aci-action-card.ts';
import { explainAciError } from '../src/core/deploy/explain-failure.ts';
import { isReadOnlyAciOp, type AciActionJobData } from '../src/core/deploy/aci-action-job.ts';
import { containerGroupResourceId } from '../src/core/deploy/deploy-job.ts';
import { counted, failedAnswer, type PrivateAnswers, type QueryAnswer } from '../src/core/query-answer.ts';
import { portalResourceUrl } from '../src/core/registry-ref.ts';
import type { ContainerGroupView } from '../src/core/deploy/container-group.ts';
import type { DeployHistory, GroupLocks } from '../src/core/deploy/deploy-job.ts';
import type { ContainerGroups } from '../src/core/deploy/ports.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { awaitDecision, openApproval } from './approval-gate.ts';
import { describeEvents, lockTtlMs } from './aci-shared.ts';
import { retryIfItMayPass } from './job-failures.ts';

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

/**
 * The `aci-action` job: show, logs, list, restart, stop, start and delete of container groups.
 * `show`, `logs` and `list` answer the requester privately. Changes report on a card, take the
 * group's lock (one change at a time); delete waits for its approval or the requester's
 * confirmation first.
 */
export function createAciActionJob(deps: AciActionJobDeps): JobHandler<AciActionJobData> {
  const now = deps.now ?? (() => new Date());

  function card(data: AciActionJobData, status: JobStatus, extra: { detail?: Mrkdwn; approval?: ApprovalState; group?: ContainerGroupView; finishedAt?: string } = {}) {
    const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
    return deps.reporter.updateCard(aciActionCard(data, { status, portal: deps.portal, approvers, ...extra }));
  }

  async function save(ctx: JobContext<AciActionJobData>, data: AciActionJobData, progress: Partial<AciActionJobData['progress']>): Promise<AciActionJobData> {
    const next = { ...data, progress: { ...data.progress, ...progress } };
    await ctx.save(next);
    return next;
  }

  async function approvalOf(data: AciActionJobData): Promise<{ approval?: ApprovalState }> {
    if (!data.approval) return {};
    const approval = await deps.approvals.get(data.jobId);
    return approval ? { approval } : {};
  }

  /** What a read-only op (`show`, `logs`, `list`) found, for the requester alone. */
  async function query(data: AciActionJobData): Promise<QueryAnswer> {
    const { target } = data;
    const title = queryTitle(data);
    const portal = { label: 'Container group in Azure portal', url: portalResourceUrl(deps.portal, containerGroupResourceId(target)) };
    switch (data.op) {
      case 'show': {
        const group = await deps.aci.get(target);
        return {
          title,
          environment: data.environment,
          summary: md`${target.name} is ${group.state ?? group.provisioningState ?? 'in an unknown state'}.`,
          fields: containerGroupFields(group),
          ...(group.events.length > 0 && { text: { filename: `${target.name}-events.txt`, title: `Events of ${target.name}`, content: describeEvents(group), keep: 'tail' as const } }),
          links: [portal],
        };
      }
      case 'logs': {
        const group = await deps.aci.get(target);
        const container = data.containerName ?? group.containers[0]?.name ?? target.name;
        const tail = data.tail ?? defaultTail;
        const text = (await deps.aci.logs(target, container, tail)).replace(/\r\n?/g, '\n').trimEnd();
        const base = { title, environment: data.environment, links: [portal] };
        if (text.trim() === '') return { ...base, summary: md`Container ${container} has written no log yet.` };
        return { ...base, summary: md`The last ${tail} lines of container ${container}:`, text: { filename: `${target.name}-${container}.log`, title: `Last ${tail} lines of ${container}`, content: text, keep: 'tail' } };
      }
      case 'list': {
        const groups = await deps.aci.list(target);
        const base = { title, environment: data.environment };
        if (groups.length === 0) return { ...base, summary: md`There are no container groups in ${target.resourceGroup}.` };
        const lines = groups.map((g) => `${g.name}  ${[g.provisioningState, g.state].filter(Boolean).join('/')}  ${g.fqdn ?? g.ip ?? ''}`.trimEnd());
        return { ...base, summary: md`${counted(groups.length, 'container group')}:`, text: { filename: `container-groups-${target.resourceGroup}.txt`, title: base.title, content: lines.join('\n') } };
      }
      default:
        throw new TypeError(`${data.op} changes the container group; it is not a query`);
    }
  }

  async function answerQuery(ctx: JobContext<AciActionJobData>, data: AciActionJobData): Promise<void> {
    let result: QueryAnswer;
    try {
      result = await query(data);
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup }) ?? describeAzureError(err);
      result = failedAnswer(queryTitle(data), data.environment, described);
    }
    // A delivery that fails (Slack down) fails the attempt: the retry asks Azure again, which only reads.
    await deps.answers.deliver(data.jobId, { userId: data.requesterId, teamId: data.teamId, channelId: data.channelId, ...(data.responseUrl && { responseUrl: data.responseUrl }), action: `aci.${data.op}` }, result);
    await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: result.failure ? 'failed' : 'succeeded' } });
  }

  /** Runs a change; returns the card's closing state. */
  async function perform(ctx: JobContext<AciActionJobData>, data: AciActionJobData): Promise<{ detail: Mrkdwn; group?: ContainerGroupView }> {
    const { target } = data;
    switch (data.op) {
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
        ctx.log.info({ group: target.name }, 'container group deleted');
        return { detail: md`${target.name} was deleted.` };
      default:
        throw new TypeError(`${data.op} only looks; it has no card`);
    }
  }

  return async function runAciAction(ctx) {
    let data = ctx.data;
    if (data.progress.phase === 'done') return;
    if (isReadOnlyAciOp(data.op)) return answerQuery(ctx, data);
    try {
      if (data.progress.phase === 'new') {
        if (data.approval) {
          await openApproval(deps.approvals, { ...data, approval: data.approval }, `${data.op}:${data.target.subscriptionId}/${data.target.resourceGroup}/${data.target.name}`, now());
          data = await save(ctx, data, { phase: 'awaiting-approval' });
        } else {
          data = await save(ctx, data, { phase: 'ready' });
        }
      }
      if (data.progress.phase === 'awaiting-approval') {
        const gate = await awaitDecision(deps.approvals, data.jobId, now(), data.progress.approvalShown, async (approval, shown) => {
          await card(data, 'awaiting_approval', { approval });
          data = await save(ctx, data, { approvalShown: shown });
        }, (ms) => ctx.wakeAfter(ms));
        if (gate.kind === 'rejected' || gate.kind === 'expired') {
          await card(data, gate.kind, { approval: gate.state, finishedAt: now().toISOString() });
          await save(ctx, data, { phase: 'done', outcome: gate.kind });
          return;
        }
        data = await save(ctx, data, { phase: 'ready' });
      }
      const lock = await deps.locks.acquire(data.target, data.jobId, lockTtlMs);
      if (!lock.acquired) {
        if (data.progress.waitingFor !== lock.holder) {
          data = await save(ctx, data, { waitingFor: lock.holder });
          await card(data, 'queued', { detail: md`Waiting for job ${lock.holder}, which is changing ${data.target.name} right now.`, ...(await approvalOf(data)) });
        }
        return await ctx.wakeAfter(deps.pollIntervalMs * 2);
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
      await card(data, 'running', { detail: md`Working on ${data.target.name}…`, ...(await approvalOf(data)) });
      const result = await perform(ctx, data);
      await card(data, 'succeeded', { ...result, finishedAt: now().toISOString(), ...(await approvalOf(data)) });
      await save(ctx, data, { phase: 'done', outcome: 'succeeded', ...(result.group && { group: result.group }) });
      await deps.locks.release(data.target, data.jobId);
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup }) ?? describeAzureError(err);
      ctx.log.warn({ err }, `aci ${data.op} failed`);
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await card(data, 'failed', { detail: md`${described.text}`, finishedAt: now().toISOString(), ...(await approvalOf(data).catch(() => ({}))) });
      await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: 'failed' } });
      await deps.locks.release(data.target, data.jobId);
    }
  };
}
