import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals, ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { aciActionCard } from '../src/core/deploy/aci-action-card.ts';
import { explainAciError } from '../src/core/deploy/explain-failure.ts';
import { mutatingOps, type AciActionJobData } from '../src/core/deploy/aci-action-job.ts';
import type { ContainerGroupView } from '../src/core/deploy/container-group.ts';
import type { GroupLocks } from '../src/core/deploy/deploy-job.ts';
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
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

/** Logs longer than this go to the thread as a file instead of a message. */
const maxInlineLogChars = 3500;
const defaultTail = 100;

/**
 * The `aci-action` job: show, logs, list, restart, stop, start and delete of container groups.
 * Changes take the group's lock (one change at a time); delete waits for its approval or the
 * requester's confirmation first.
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

  /** Runs the operation; returns the card's closing state. */
  async function perform(ctx: JobContext<AciActionJobData>, data: AciActionJobData): Promise<{ detail: Mrkdwn; group?: ContainerGroupView }> {
    const { target } = data;
    switch (data.op) {
      case 'show': {
        const group = await deps.aci.get(target);
        if (group.events.length > 0) await deps.reporter.post(data.jobId, { kind: 'log', text: describeEvents(group) });
        return { detail: md`${target.name} is ${group.state ?? group.provisioningState ?? 'in an unknown state'}.`, group };
      }
      case 'logs': {
        const group = await deps.aci.get(target);
        const container = data.containerName ?? group.containers[0]?.name ?? target.name;
        const tail = data.tail ?? defaultTail;
        const text = (await deps.aci.logs(target, container, tail)).replace(/\r\n?/g, '\n');
        if (text.trim() === '') await deps.reporter.post(data.jobId, { kind: 'note', text: md`Container ${container} has written no log yet.` });
        else if (text.length <= maxInlineLogChars) await deps.reporter.post(data.jobId, { kind: 'log', text: text.trimEnd() });
        else await deps.reporter.post(data.jobId, { kind: 'file', filename: `${target.name}-${container}.log`, title: `Last ${tail} lines of ${container}`, content: text, fullLog: md`\`az container logs -g ${target.resourceGroup} -n ${target.name} --container-name ${container}\`` });
        return { detail: md`Last ${tail} lines of container ${container} are in the thread.`, group };
      }
      case 'list': {
        const groups = await deps.aci.list(target);
        const lines = groups.map((g) => `${g.name}  ${[g.provisioningState, g.state].filter(Boolean).join('/')}  ${g.fqdn ?? g.ip ?? ''}`.trimEnd());
        await deps.reporter.post(data.jobId, lines.length > 0 ? { kind: 'log', text: lines.join('\n') } : { kind: 'note', text: md`No container groups in ${target.resourceGroup}.` });
        return { detail: md`${groups.length} container group${groups.length === 1 ? '' : 's'} in ${target.resourceGroup}.` };
      }
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
        ctx.log.info({ group: target.name }, 'container group deleted');
        return { detail: md`${target.name} was deleted.` };
    }
  }

  return async function runAciAction(ctx) {
    let data = ctx.data;
    const mutating = mutatingOps.has(data.op);
    try {
      if (data.progress.phase === 'done') return;
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
      if (mutating) {
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
      }
      const result = await perform(ctx, data);
      await card(data, 'succeeded', { ...result, finishedAt: now().toISOString(), ...(await approvalOf(data)) });
      await save(ctx, data, { phase: 'done', outcome: 'succeeded', ...(result.group && { group: result.group }) });
      if (mutating) await deps.locks.release(data.target, data.jobId);
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup }) ?? describeAzureError(err);
      ctx.log.warn({ err }, `aci ${data.op} failed`);
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await card(data, 'failed', { detail: md`${described.text}`, finishedAt: now().toISOString(), ...(await approvalOf(data).catch(() => ({}))) });
      await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: 'failed' } });
      if (mutating) await deps.locks.release(data.target, data.jobId);
    }
  };
}
