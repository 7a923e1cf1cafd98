import type { EnvironmentConfig } from '../src/config/file.ts';
import { CONFIRM_WINDOW_MS, type Approvals, type ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { AzureOperationError, describeAzureError, isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import type { ContainerGroupView } from '../src/core/deploy/container-group.ts';
import { toContainerGroupSpec } from '../src/core/deploy/container-spec.ts';
import { deployCard, planFileHeading, planOnCard } from '../src/core/deploy/deploy-card.ts';
import type { DeployHistory, DeployJobData, DeployPlan, DeployProgress, GroupLocks, Replacement } from '../src/core/deploy/deploy-job.ts';
import { registryProblem } from '../src/core/deploy/deploy-policy.ts';
import { explainAciError, explainDeployError, explainDeployFailure, isInPlaceRefusal } from '../src/core/deploy/explain-failure.ts';
import { describeChange, immutableChanges } from '../src/core/deploy/immutable-changes.ts';
import { makePlan } from '../src/core/deploy/plan.ts';
import { planFileText } from '../src/core/deploy/plan-view.ts';
import type { ContainerGroups, RegistryTags, SecretReader } from '../src/core/deploy/ports.ts';
import { SecretNotFoundError } from '../src/core/deploy/secret-not-found.ts';
import { JobLockLostError, type JobContext, type JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { awaitDecision, openApproval } from './approval-gate.ts';
import { describeEvents, isDelayed, lockTtlMs } from './aci-shared.ts';
import { JobStop } from './job-failures.ts';
import { stepAsideIfSuperseded, taskDeployDepsOf, type TaskDeployDeps } from './task-deploy.ts';

export interface DeployJobDeps extends Partial<Pick<TaskDeployDeps, 'taskDeploys' | 'jobs'>> {
  aci: ContainerGroups;
  secrets: SecretReader;
  registryTags: RegistryTags;
  approvals: Approvals;
  locks: GroupLocks;
  history: DeployHistory;
  /** The PUT happens only once its audit record is written; outcomes are recorded too. */
  audit: AuditLog;
  reporter: JobReporter;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

/**
 * The `deploy` job (also rollbacks): plan (pin the image digest) → approval when the
 * environment asks for it → the group's lock → re-check the digest → PUT → follow the
 * operation. Every step is saved before its side effect; after a crash the job resumes the
 * same operation from its resume token, or sends the identical PUT again (idempotent by name).
 */
export function createDeployJob(deps: DeployJobDeps): JobHandler<DeployJobData> {
  const now = deps.now ?? (() => new Date());

  function envOf(data: DeployJobData): EnvironmentConfig {
    const env = deps.environments[data.environment];
    if (!env) throw new JobStop(`Environment ${data.environment} is no longer configured.`, 'Ask the platform admin; nothing was deployed.');
    return env;
  }

  /** Saves the step reached, unless another worker took the job over (then this run stops here). */
  async function save(ctx: JobContext<DeployJobData>, data: DeployJobData, progress: Partial<DeployProgress>): Promise<DeployJobData> {
    const next = { ...data, progress: { ...data.progress, ...progress } };
    await ctx.keepLock?.();
    await ctx.save(next);
    return next;
  }

  function card(data: DeployJobData, status: JobStatus, extra: { detail?: Mrkdwn; approval?: ApprovalState; group?: ContainerGroupView; finishedAt?: string } = {}) {
    const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
    return deps.reporter.updateCard(deployCard(data, { status, portal: deps.portal, approvers, ...extra }));
  }

  /** Pins the image: a tag of the environment's registry becomes `loginServer/repo@digest`. */
  async function resolveImage(data: DeployJobData, env: EnvironmentConfig): Promise<{ loginServer: string; digest: string }> {
    const { image } = data.request;
    const registryRef = env.registry ? { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry } : undefined;
    const envServer = registryRef ? await deps.registryTags.loginServer(registryRef) : undefined;
    const server = image.registry ?? envServer;
    if (server === undefined) {
      throw new JobStop(`${data.environment} has no registry configured, so ${image.text} cannot be resolved.`, 'Give the full image name with its registry and digest, e.g. myreg.azurecr.io/web@sha256:…');
    }
    const problem = registryProblem(data.environment, env, server);
    if (problem) throw new JobStop(problem.text, problem.hint);
    if (image.digest !== undefined) return { loginServer: server, digest: image.digest };
    if (!registryRef || server.toLowerCase() !== envServer?.toLowerCase()) {
      throw new JobStop(`I can only pin tags of ${data.environment}'s registry (${envServer ?? 'none'}) to a digest, not tags of ${server}.`, `Give the image by digest instead: ${server}/${image.repository}@sha256:…`);
    }
    return deps.registryTags.resolveDigest(registryRef, image.repository, image.tag ?? 'latest');
  }

  function pullOf(env: EnvironmentConfig, loginServer: string, envServer: string | undefined): DeployPlan['pull'] {
    const creds = env.registryCredentials;
    // Credentials are for the environment's own registry; other (allowed) registries are pulled anonymously.
    if (!creds || (envServer !== undefined && loginServer.toLowerCase() !== envServer.toLowerCase())) return { none: true };
    return 'identity' in creds ? { identity: creds.identity } : { username: creds.username, passwordSecret: creds.passwordSecret };
  }

  /** Reads every secret the plan needs; fails (before any change in Azure) when one is missing. */
  async function readSecrets(data: DeployJobData, env: EnvironmentConfig, plan: DeployPlan): Promise<{ env: Map<string, string>; pullPassword?: string }> {
    const needed = plan.secureEnvironmentVariables.length > 0 || 'passwordSecret' in plan.pull;
    if (!needed) return { env: new Map() };
    if (!env.keyVaultUrl) throw new JobStop(`${data.environment} has no keyVaultUrl configured, so secure values cannot be read.`, 'Ask the platform admin to set keyVaultUrl for this environment; nothing was deployed.');
    const vault = env.keyVaultUrl;
    const values = await Promise.all(plan.secureEnvironmentVariables.map(async (v) => [v.name, await deps.secrets.getSecret(vault, v.secretName)] as const));
    const pullPassword = 'passwordSecret' in plan.pull ? await deps.secrets.getSecret(vault, plan.pull.passwordSecret) : undefined;
    return { env: new Map(values), ...(pullPassword !== undefined && { pullPassword }) };
  }

  /**
   * Whether deploying this request replaces the live group: ACI cannot change some properties in
   * place, and a deploy that follows ARM's refusal of an in-place update (`replaceOf`) replaces it
   * whatever the comparison finds. No live group: a plain create.
   */
  async function replacementOf(data: DeployJobData, draft: DeployPlan): Promise<Replacement | undefined> {
    const live = await deps.aci.find(data.target);
    if (!live) return undefined;
    const changes = immutableChanges(live, draft);
    return changes.length > 0 || data.replaceOf !== undefined ? { changes } : undefined;
  }

  /** Who must agree before a plan runs: the environment's approvers, or for a replacement at least the requester. */
  function approvalFor(data: DeployJobData, plan: DeployPlan): DeployJobData['approval'] {
    if (data.approval || !plan.replaces) return data.approval;
    if (data.requesterId === 'system') {
      // A redeploy the bot started itself (a credential rotation's consumer): nobody to confirm it.
      throw new JobStop(
        `Redeploying ${data.target.name} would replace it (delete, then create): ${plan.replaces.changes.map(describeChange).join('; ') || 'Azure cannot update it in place'}. I do not do that unasked.`,
        'Redeploy it yourself with /aci create (you will be asked to confirm the replacement), then retry.',
      );
    }
    return { mode: 'confirm', required: 1, expiresAfterMs: CONFIRM_WINDOW_MS };
  }

  async function makeTheplan(ctx: JobContext<DeployJobData>, data: DeployJobData): Promise<DeployJobData> {
    const env = envOf(data);
    const resolved = await resolveImage(data, env);
    const envServer = env.registry ? await deps.registryTags.loginServer({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }) : undefined;
    const pull = pullOf(env, resolved.loginServer, envServer);
    const plan = makePlan(data, resolved, pull, await replacementOf(data, makePlan(data, resolved, pull)));
    // Missing secrets are found now, not after someone approved a deploy that cannot work.
    await readSecrets(data, env, plan);
    const approval = approvalFor(data, plan);
    return save(ctx, { ...data, ...(approval && { approval }) }, { phase: approval ? 'awaiting-approval' : 'ready', plan });
  }

  /** Attaches the whole plan to the thread when the card cannot show all of it (once; again after a crash in between). */
  async function attachPlanFile(ctx: JobContext<DeployJobData>, data: DeployJobData): Promise<DeployJobData> {
    const plan = data.progress.plan!;
    const shown = planOnCard(data, plan);
    if (shown.complete || data.progress.planFilePosted) return data;
    const content = planFileText(shown.view, planFileHeading(data));
    const comment = 'The whole plan: everything this deploy sends to Azure (secure values as Key Vault references).';
    await deps.reporter.post(data.jobId, { kind: 'file', filename: shown.fileName, title: `Plan ${plan.hash} of ${data.target.name}`, content, comment });
    return save(ctx, data, { planFilePosted: true });
  }

  async function finishUnchanged(ctx: JobContext<DeployJobData>, data: DeployJobData, outcome: 'rejected' | 'expired', approval: ApprovalState): Promise<void> {
    await card(data, outcome, { approval, finishedAt: now().toISOString() });
    await save(ctx, data, { phase: 'done', outcome });
    ctx.log.info({ outcome }, 'deploy not approved');
  }

  /** The PUT, with the lock held and the image re-checked. Returns the job saved in `polling`. */
  async function put(ctx: JobContext<DeployJobData>, data: DeployJobData): Promise<DeployJobData | undefined> {
    const plan = data.progress.plan!;
    const lock = await deps.locks.acquire(plan.target, data.jobId, lockTtlMs);
    if (!lock.acquired) {
      if (data.progress.waitingFor !== lock.holder) {
        data = await save(ctx, data, { waitingFor: lock.holder });
        await card(data, 'queued', { detail: md`Waiting for job ${lock.holder}, which is changing ${plan.target.name} right now; this deploy starts when it finishes.`, ...(await approvalOf(data)) });
      }
      return ctx.wakeAfter(deps.pollIntervalMs * 2);
    }
    const env = envOf(data);
    if (data.progress.phase === 'ready' && (data.approval || data.progress.waitingFor) && plan.tag !== undefined) {
      // What runs must be what was approved: a tag moved since the plan means a different image.
      const current = await resolveImage(data, env);
      if (current.digest !== plan.digest) {
        throw new JobStop(
          `${plan.repository}:${plan.tag} now points to ${current.digest}, not to the approved ${plan.digest}, so I did not deploy it.`,
          'Run /aci create again to get a new plan (and approval) for the current image.',
        );
      }
    }
    const secrets = await readSecrets(data, env, plan);
    await deps.audit.record({
      actor: 'system',
      action: 'deploy.apply',
      outcome: 'accepted',
      environment: data.environment,
      target: plan.target.name,
      jobId: data.jobId,
      details: {
        image: plan.image,
        plan: plan.hash,
        requester: data.requesterId,
        ...(data.rollbackOf && { rollbackOf: data.rollbackOf }),
        ...(plan.replaces && { replaces: plan.replaces.changes.map(describeChange).join('; ') || 'refused in place' }),
      },
    });
    const startedAt = data.progress.startedAt ?? now().toISOString();
    if (plan.replaces && data.progress.phase !== 'putting') {
      // Saved first: a retry deletes again (harmless, the new group does not exist yet); once
      // `putting` is saved, nothing deletes any more, so the new group is never deleted.
      data = await save(ctx, data, { phase: 'deleting', startedAt });
      await card(data, 'running', { detail: md`Deleting ${plan.target.name} to replace it; it is down until the new group is Running.`, ...(await approvalOf(data)) });
      await deps.aci.delete(plan.target);
      ctx.log.info({ group: plan.target.name }, 'container group deleted for its replacement');
    }
    data = await save(ctx, data, { phase: 'putting', startedAt });
    await card(data, 'running', { detail: md`Deploying ${plan.image} to ${plan.target.resourceGroup} in ${plan.target.location}…`, ...(await approvalOf(data)) });
    const { resumeToken } = await deps.aci.beginDeploy(plan.target, toContainerGroupSpec(plan, secrets));
    // From here a retry follows this operation instead of sending another PUT.
    data = await save(ctx, data, { phase: 'polling', resumeToken });
    ctx.log.info({ group: plan.target.name, image: plan.image, plan: plan.hash }, 'container group PUT accepted');
    return data;
  }

  async function approvalOf(data: DeployJobData): Promise<{ approval?: ApprovalState }> {
    if (!data.approval) return {};
    const approval = await deps.approvals.get(data.jobId);
    return approval ? { approval } : {};
  }

  async function poll(ctx: JobContext<DeployJobData>, data: DeployJobData): Promise<void> {
    const plan = data.progress.plan!;
    const lock = await deps.locks.acquire(plan.target, data.jobId, lockTtlMs); // keeps it fresh
    if (!lock.acquired) {
      // Our lock expired (this job was held up for longer than it lasts) and another job is changing the group now.
      throw new JobStop(
        `Job ${lock.holder} started changing ${plan.target.name} while this deploy was still being followed, so its outcome is unknown.`,
        `See /aci show -n ${plan.target.name} --env ${data.environment} and the card of job ${lock.holder}.`,
      );
    }
    const result = await deps.aci.pollDeploy(data.progress.resumeToken!);
    // A worker that stalled during the poll and lost the job must not report what it saw.
    await ctx.keepLock?.();
    if (!result.done) return ctx.wakeAfter(deps.pollIntervalMs);
    const finishedAt = now().toISOString();
    const approval = await approvalOf(data);
    if (result.error) {
      const why = explainDeployFailure(result.error, { name: plan.target.name, image: plan.image, location: plan.target.location });
      await deps.reporter.post(data.jobId, { kind: 'error', text: why.text, hint: why.hint });
      const group = await deps.aci.get(plan.target).catch(() => undefined);
      if (group?.events.length) await deps.reporter.post(data.jobId, { kind: 'log', text: describeEvents(group) });
      await card(data, 'failed', { detail: md`${why.text}`, finishedAt, ...approval, ...(group && { group }) });
      await save(ctx, data, { phase: 'done', outcome: 'failed', ...(group && { group }) });
    } else {
      const group = result.group!;
      await deps.history.record(plan.target, { jobId: data.jobId, image: plan.image, loginServer: plan.loginServer, repository: plan.repository, digest: plan.digest, at: finishedAt, requesterId: data.requesterId, environment: data.environment, target: data.target, request: data.request });
      const address = group.fqdn ?? group.ip;
      await card(data, 'succeeded', { detail: md`${plan.target.name} is ${group.state ?? group.provisioningState ?? 'deployed'}${address ? ` at ${address}` : ''}.`, group, finishedAt, ...approval });
      if (group.events.length > 0) await deps.reporter.post(data.jobId, { kind: 'log', text: describeEvents(group) });
      await save(ctx, data, { phase: 'done', outcome: 'succeeded', group });
    }
    await deps.locks.release(plan.target, data.jobId);
    await deps.audit.record({
      actor: 'system',
      action: 'deploy.result',
      outcome: result.error ? 'failed' : 'succeeded',
      environment: data.environment,
      target: plan.target.name,
      jobId: data.jobId,
      ...(result.error && { reason: result.error.code ?? 'failed' }),
      details: { image: plan.image, plan: plan.hash },
    }).catch((err: unknown) => ctx.log.error({ err }, 'could not audit a deploy result'));
    ctx.log.info({ group: plan.target.name, ok: !result.error }, 'deploy finished');
  }

  async function fail(ctx: JobContext<DeployJobData>, data: DeployJobData, text: string, hint: string, outcome: 'failed' | 'refused', progress: Partial<DeployProgress> = {}): Promise<void> {
    await ctx.keepLock?.();
    data = { ...data, progress: { ...data.progress, ...progress } };
    await deps.reporter.post(data.jobId, { kind: 'error', text, hint });
    await card(data, 'failed', { detail: md`${text}`, finishedAt: now().toISOString(), ...(await approvalOf(data).catch(() => ({}))) });
    await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome } });
    if (data.progress.plan) await deps.locks.release(data.progress.plan.target, data.jobId);
  }

  return async function runDeploy(ctx) {
    let data = ctx.data;
    try {
      if (data.progress.phase === 'done') return;
      // A task run's deploy waiting for its turn steps aside for a newer run's (jobs/task-deploy.ts).
      const followers = data.source && taskDeployDepsOf(deps);
      if (followers && (await stepAsideIfSuperseded({ ...followers, locks: deps.locks }, data, (next) => ctx.save(next), now()))) return;
      if (data.progress.phase === 'new') {
        await card(data, 'queued', { detail: md`Resolving ${data.request.image.text} to a digest…` });
        data = await makeTheplan(ctx, data);
      }
      if (data.progress.phase === 'awaiting-approval' || data.progress.phase === 'ready') data = await attachPlanFile(ctx, data);
      if (data.progress.phase === 'awaiting-approval') {
        // Idempotent: opens the request the first time, keeps it afterwards (also after a crash right after the plan was saved).
        await openApproval(deps.approvals, { ...data, approval: { mode: 'approval', ...data.approval! } }, data.progress.plan!.hash, now());
        const gate = await awaitDecision(deps.approvals, data.jobId, now(), data.progress.approvalShown, async (approval, shown) => {
          await card(data, 'awaiting_approval', { approval });
          data = await save(ctx, data, { approvalShown: shown });
        }, (ms) => ctx.wakeAfter(ms));
        if (gate.kind === 'rejected' || gate.kind === 'expired') return await finishUnchanged(ctx, data, gate.kind, gate.state);
        if (gate.state.planHash !== data.progress.plan!.hash) throw new JobStop('The approved plan is not the plan of this job.', 'Run /aci create again.');
        data = await save(ctx, data, { phase: 'ready' });
      }
      if (data.progress.phase === 'ready' || data.progress.phase === 'deleting' || data.progress.phase === 'putting') {
        const next = await put(ctx, data);
        if (!next) return;
        return await ctx.wakeAfter(deps.pollIntervalMs);
      }
      if (data.progress.phase === 'polling') await poll(ctx, data);
    } catch (err) {
      if (isDelayed(err) || err instanceof JobLockLostError) throw err;
      if (err instanceof JobStop) return await fail(ctx, data, err.message, err.hint, 'refused');
      if (err instanceof SecretNotFoundError) {
        return await fail(ctx, data, `${err.message} Nothing was deployed.`, `Create the secret in that vault (az keyvault secret set --vault-name … --name ${err.secretName}) or fix the @kv: name, then run /aci create again.`, 'refused');
      }
      const retryAfterMs = retryAfterOf(err);
      if (retryAfterMs !== undefined) return await ctx.wakeAfter(retryAfterMs);
      const lastAttempt = ctx.attemptsMade + 1 >= ctx.maxAttempts;
      if (isTransientAzureError(err) && !lastAttempt) throw err;
      const plan = data.progress.plan;
      const explained =
        (plan ? explainDeployError(err, { name: plan.target.name, image: plan.image, location: plan.target.location }) : undefined) ??
        (err instanceof AzureOperationError && err.statusCode === 403 ? explainAciError(err, { name: data.target.name, environment: data.environment, resourceGroup: data.target.resourceGroup }) : undefined);
      const described = explained ?? describeAzureError(err);
      ctx.log.warn({ err, transient: isTransientAzureError(err) }, 'deploy failed');
      await fail(ctx, data, described.text, described.hint, 'failed', isInPlaceRefusal(err) ? { inPlaceRefused: true } : {});
    }
  };
}
