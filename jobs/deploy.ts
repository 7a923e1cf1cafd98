import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals, ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { AzureOperationError, isTransientAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import type { ContainerGroupView, DeployPoll } from '../src/core/deploy/container-group.ts';
import { toContainerGroupSpec } from '../src/core/deploy/container-spec.ts';
import { deployCard, planFileHeading, planOnCard } from '../src/core/deploy/deploy-card.ts';
import type { DeployHistory, DeployJobData, DeployPhase, DeployPlan, GroupLocks } from '../src/core/deploy/deploy-job.ts';
import { explainAciError, explainDeployError, explainDeployFailure, isInPlaceRefusal } from '../src/core/deploy/explain-failure.ts';
import { describeChange } from '../src/core/deploy/immutable-changes.ts';
import { makePlan } from '../src/core/deploy/plan.ts';
import { planFileText } from '../src/core/deploy/plan-view.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { decisionOf, openApproval } from './approval-gate.ts';
import { describeEvents, lockTtlMs } from './aci-shared.ts';
import { approvalFor, envLoginServer, envOf, pullOf, readSecrets, replacementOf, resolveImage, type DeployPlanDeps } from './deploy-plan.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { nowOf, progressed, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { stepAsideIfSuperseded, taskDeployDepsOf, type TaskDeployDeps } from './task-deploy.ts';

export interface DeployJobDeps extends DeployPlanDeps, Partial<Pick<TaskDeployDeps, 'taskDeploys' | 'jobs'>> {
  approvals: Approvals;
  locks: GroupLocks;
  history: DeployHistory;
  /** The PUT happens only once its audit record is written; outcomes are recorded too. */
  audit: AuditLog;
  reporter: JobReporter;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

type Run = StepRun<DeployJobData>;
type CardExtra = { detail?: Mrkdwn; approval?: ApprovalState; group?: ContainerGroupView; finishedAt?: string };

function showCard(deps: DeployJobDeps, data: DeployJobData, status: JobStatus, extra: CardExtra = {}): Promise<void> {
  const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
  return deps.reporter.updateCard(deployCard(data, { status, portal: deps.portal, approvers, ...extra }));
}

async function approvalOf(deps: DeployJobDeps, data: DeployJobData): Promise<{ approval?: ApprovalState }> {
  if (!data.approval) return {};
  const approval = await deps.approvals.get(data.jobId);
  return approval ? { approval } : {};
}

/** Step `new`: pins the image, compares with the live group, checks the secrets; saves the plan. */
export async function plan(deps: DeployJobDeps, run: Run): Promise<DeployJobData> {
  const { data } = run;
  await showCard(deps, data, 'queued', { detail: md`Resolving ${data.request.image.text} to a digest…` });
  const env = envOf(deps, data);
  const resolved = await resolveImage(deps, data, env);
  const pull = pullOf(env, resolved.loginServer, await envLoginServer(deps, env));
  const planned = makePlan(data, resolved, pull, await replacementOf(deps, data, makePlan(data, resolved, pull)));
  // Missing secrets are found now, not after someone approved a deploy that cannot work.
  await readSecrets(deps, data, env, planned);
  const approval = approvalFor(data, planned);
  return run.save(progressed({ ...data, ...(approval && { approval }) }, { phase: approval ? 'awaiting-approval' : 'ready', plan: planned }));
}

/** Attaches the whole plan to the thread when the card cannot show all of it (once; again after a crash in between). */
async function attachPlanFile(deps: DeployJobDeps, run: Run, data: DeployJobData): Promise<DeployJobData> {
  const planned = data.progress.plan!;
  const shown = planOnCard(data, planned);
  if (shown.complete || data.progress.planFilePosted) return data;
  const content = planFileText(shown.view, planFileHeading(data));
  const comment = 'The whole plan: everything this deploy sends to Azure (secure values as Key Vault references).';
  await deps.reporter.post(data.jobId, { kind: 'file', filename: shown.fileName, title: `Plan ${planned.hash} of ${data.target.name}`, content, comment });
  return run.save(progressed(data, { planFilePosted: true }));
}

/** Step `awaiting-approval`: opens the request (idempotent, also after a crash), then waits for the decision. */
export async function approve(deps: DeployJobDeps, run: Run): Promise<DeployJobData> {
  const data = await attachPlanFile(deps, run, run.data);
  const planned = data.progress.plan!;
  await openApproval(deps.approvals, { ...data, approval: { mode: 'approval', ...data.approval! } }, planned.hash, nowOf(deps));
  const gate = await decisionOf(deps.approvals, { ...run, data }, nowOf(deps), (d, approval) => showCard(deps, d, 'awaiting_approval', { approval }));
  if (gate.kind === 'rejected' || gate.kind === 'expired') {
    await showCard(deps, data, gate.kind, { approval: gate.state, finishedAt: nowOf(deps).toISOString() });
    run.log.info({ outcome: gate.kind }, 'deploy not approved');
    return run.save(progressed(data, { phase: 'done', outcome: gate.kind }));
  }
  if (gate.state.planHash !== planned.hash) throw new JobStop('The approved plan is not the plan of this job.', 'Run /aci create again.');
  return run.save(progressed(data, { phase: 'ready' }));
}

/** Holds the group's lock for this job, or waits (durably) for the job that holds it. */
async function holdLock(deps: DeployJobDeps, run: Run, data: DeployJobData): Promise<void> {
  const { target } = data.progress.plan!;
  const lock = await deps.locks.acquire(target, data.jobId, lockTtlMs);
  if (lock.acquired) return;
  if (data.progress.waitingFor !== lock.holder) {
    data = await run.save(progressed(data, { waitingFor: lock.holder }));
    await showCard(deps, data, 'queued', {
      detail: md`Waiting for job ${lock.holder}, which is changing ${target.name} right now; this deploy starts when it finishes.`,
      ...(await approvalOf(deps, data)),
    });
  }
  return run.wakeAfter(deps.pollIntervalMs * 2);
}

/** What runs must be what was approved: a tag moved since the plan means a different image. */
async function checkApprovedImage(deps: DeployJobDeps, data: DeployJobData, env: EnvironmentConfig, planned: DeployPlan): Promise<void> {
  if (data.progress.phase !== 'ready' || !(data.approval || data.progress.waitingFor) || planned.tag === undefined) return;
  const current = await resolveImage(deps, data, env);
  if (current.digest === planned.digest) return;
  throw new JobStop(
    `${planned.repository}:${planned.tag} now points to ${current.digest}, not to the approved ${planned.digest}, so I did not deploy it.`,
    'Run /aci create again to get a new plan (and approval) for the current image.',
  );
}

function auditApply(deps: DeployJobDeps, data: DeployJobData, planned: DeployPlan): Promise<void> {
  return deps.audit.record({
    actor: 'system',
    action: 'deploy.apply',
    outcome: 'accepted',
    environment: data.environment,
    target: planned.target.name,
    jobId: data.jobId,
    details: {
      image: planned.image,
      plan: planned.hash,
      requester: data.requesterId,
      ...(data.rollbackOf && { rollbackOf: data.rollbackOf }),
      ...(planned.replaces && { replaces: planned.replaces.changes.map(describeChange).join('; ') || 'refused in place' }),
    },
  });
}

/**
 * Steps `ready`, `deleting` and `putting`: with the lock held and the image re-checked, the PUT
 * (after deleting the live group for a replacement); saved in `polling` with its resume token.
 */
export async function apply(deps: DeployJobDeps, run: Run): Promise<never> {
  let data = run.data.progress.phase === 'ready' ? await attachPlanFile(deps, run, run.data) : run.data;
  const planned = data.progress.plan!;
  await holdLock(deps, run, data);
  const env = envOf(deps, data);
  await checkApprovedImage(deps, data, env, planned);
  const secrets = await readSecrets(deps, data, env, planned);
  await auditApply(deps, data, planned);
  const startedAt = data.progress.startedAt ?? nowOf(deps).toISOString();
  if (planned.replaces && data.progress.phase !== 'putting') {
    // Saved first: a retry deletes again (harmless, the new group does not exist yet); once
    // `putting` is saved, nothing deletes any more, so the new group is never deleted.
    data = await run.save(progressed(data, { phase: 'deleting', startedAt }));
    await showCard(deps, data, 'running', {
      detail: md`Deleting ${planned.target.name} to replace it; it is down until the new group is Running.`,
      ...(await approvalOf(deps, data)),
    });
    await deps.aci.delete(planned.target);
    run.log.info({ group: planned.target.name }, 'container group deleted for its replacement');
  }
  data = await run.save(progressed(data, { phase: 'putting', startedAt }));
  await showCard(deps, data, 'running', {
    detail: md`Deploying ${planned.image} to ${planned.target.resourceGroup} in ${planned.target.location}…`,
    ...(await approvalOf(deps, data)),
  });
  const { resumeToken } = await deps.aci.beginDeploy(planned.target, toContainerGroupSpec(planned, secrets));
  // From here a retry follows this operation instead of sending another PUT.
  await run.save(progressed(data, { phase: 'polling', resumeToken }));
  run.log.info({ group: planned.target.name, image: planned.image, plan: planned.hash }, 'container group PUT accepted');
  return run.wakeAfter(deps.pollIntervalMs);
}

/** Step `polling`: follows the PUT's operation until it ends, then reports, records and releases the lock. */
export async function poll(deps: DeployJobDeps, run: Run): Promise<DeployJobData> {
  const { data } = run;
  const planned = data.progress.plan!;
  const lock = await deps.locks.acquire(planned.target, data.jobId, lockTtlMs); // keeps it fresh
  if (!lock.acquired) {
    // Our lock expired (this job was held up for longer than it lasts) and another job is changing the group now.
    throw new JobStop(
      `Job ${lock.holder} started changing ${planned.target.name} while this deploy was still being followed, so its outcome is unknown.`,
      `See /aci show -n ${planned.target.name} --env ${data.environment} and the card of job ${lock.holder}.`,
    );
  }
  const result = await deps.aci.pollDeploy(data.progress.resumeToken!);
  // A worker that stalled during the poll and lost the job must not report what it saw.
  await run.keepLock();
  if (!result.done) return run.wakeAfter(deps.pollIntervalMs);
  const done = result.error ? await reportFailed(deps, run, result.error) : await reportDeployed(deps, run, result.group!);
  await deps.locks.release(planned.target, data.jobId);
  await deps.audit
    .record({
      actor: 'system',
      action: 'deploy.result',
      outcome: result.error ? 'failed' : 'succeeded',
      environment: data.environment,
      target: planned.target.name,
      jobId: data.jobId,
      ...(result.error && { reason: result.error.code ?? 'failed' }),
      details: { image: planned.image, plan: planned.hash },
    })
    .catch((err: unknown) => run.log.error({ err }, 'could not audit a deploy result'));
  run.log.info({ group: planned.target.name, ok: !result.error }, 'deploy finished');
  return done;
}

async function reportFailed(deps: DeployJobDeps, run: Run, error: NonNullable<DeployPoll['error']>): Promise<DeployJobData> {
  const { data } = run;
  const planned = data.progress.plan!;
  const why = explainDeployFailure(error, { name: planned.target.name, image: planned.image, location: planned.target.location });
  await deps.reporter.post(data.jobId, { kind: 'error', text: why.text, hint: why.hint });
  const group = await deps.aci.get(planned.target).catch(() => undefined);
  if (group?.events.length) await deps.reporter.post(data.jobId, { kind: 'log', text: describeEvents(group) });
  await showCard(deps, data, 'failed', {
    detail: md`${why.text}`,
    finishedAt: nowOf(deps).toISOString(),
    ...(await approvalOf(deps, data)),
    ...(group && { group }),
  });
  return run.save(progressed(data, { phase: 'done', outcome: 'failed', ...(group && { group }) }));
}

async function reportDeployed(deps: DeployJobDeps, run: Run, group: ContainerGroupView): Promise<DeployJobData> {
  const { data } = run;
  const planned = data.progress.plan!;
  const finishedAt = nowOf(deps).toISOString();
  const approval = await approvalOf(deps, data);
  await deps.history.record(planned.target, {
    jobId: data.jobId,
    image: planned.image,
    loginServer: planned.loginServer,
    repository: planned.repository,
    digest: planned.digest,
    at: finishedAt,
    requesterId: data.requesterId,
    environment: data.environment,
    target: data.target,
    request: data.request,
  });
  const address = group.fqdn ?? group.ip;
  await showCard(deps, data, 'succeeded', {
    detail: md`${planned.target.name} is ${group.state ?? group.provisioningState ?? 'deployed'}${address ? ` at ${address}` : ''}.`,
    group,
    finishedAt,
    ...approval,
  });
  if (group.events.length > 0) await deps.reporter.post(data.jobId, { kind: 'log', text: describeEvents(group) });
  return run.save(progressed(data, { phase: 'done', outcome: 'succeeded', group }));
}

/** A final failure: said in the thread and on the card; the lock is released. A stop is `refused`, anything else `failed`. */
export async function reportFailure(deps: DeployJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const stop = err instanceof JobStop;
  const described = explainFailure(data, err);
  if (!stop) run.log.warn({ err, transient: isTransientAzureError(err) }, 'deploy failed');
  const last = progressed(data, isInPlaceRefusal(err) ? { inPlaceRefused: true } : {});
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await showCard(deps, last, 'failed', {
    detail: md`${described.text}`,
    finishedAt: nowOf(deps).toISOString(),
    ...(await approvalOf(deps, last).catch(() => ({}))),
  });
  await run.save(progressed(last, { phase: 'done', outcome: stop ? 'refused' : 'failed' }));
  if (data.progress.plan) await deps.locks.release(data.progress.plan.target, data.jobId);
}

function explainFailure(data: DeployJobData, err: unknown): { text: string; hint: string } {
  const planned = data.progress.plan;
  const explained =
    (planned ? explainDeployError(err, { name: planned.target.name, image: planned.image, location: planned.target.location }) : undefined) ??
    (err instanceof AzureOperationError && err.statusCode === 403
      ? explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup })
      : undefined);
  return explained ?? describeFailure(err);
}

/**
 * The `deploy` job (also rollbacks): plan (pin the image digest) → approval when the
 * environment asks for it → the group's lock → re-check the digest → PUT → follow the
 * operation. Every step is saved before its side effect; after a crash the job resumes the
 * same operation from its resume token, or sends the identical PUT again (idempotent by name).
 */
export const deployJob: StepJob<DeployJobData, DeployJobDeps, DeployPhase> = {
  phaseOf: (data) => data.progress.phase,
  steps: { new: plan, 'awaiting-approval': approve, ready: apply, deleting: apply, putting: apply, polling: poll },
  fail: reportFailure,
  guardsLock: true,
};

export function createDeployJob(deps: DeployJobDeps): JobHandler<DeployJobData> {
  const runDeploy = runSteps(deployJob, deps);
  return async (ctx) => {
    // A task run's deploy waiting for its turn steps aside for a newer run's (jobs/task-deploy.ts).
    const followers = ctx.data.source && ctx.data.progress.phase !== 'done' && taskDeployDepsOf(deps);
    if (followers && (await stepAsideIfSuperseded({ ...followers, locks: deps.locks }, ctx.data, (next) => ctx.save(next), nowOf(deps)))) return;
    return runDeploy(ctx);
  };
}
