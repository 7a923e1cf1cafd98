import type { CredentialsConfig } from '../src/config/credentials-settings.ts';
import type { EnvironmentConfig } from '../src/config/file.ts';
import type { Approvals, ApprovalState } from '../src/core/approval/approvals.ts';
import type { AuditLog } from '../src/core/audit.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { tokenSecretName } from '../src/core/credentials/expiry.ts';
import type { RegistryTokens, SecretVault } from '../src/core/credentials/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { acrChangeCard, acrChangePlan, type AcrChangeJobData } from '../src/core/registry/acr-change.ts';
import { scopeMapNameOf } from '../src/core/registry/scope-map-name.ts';
import type { AcrTasks, RegistryAdmin } from '../src/core/registry/ports.ts';
import { decisionOf, openApproval } from './approval-gate.ts';
import { readGitToken } from './git-token.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { nowOf, progressed, runSteps, type StepJob, type StepRun } from './step-runner.ts';

export interface AcrChangeJobDeps {
  registryAdmin: RegistryAdmin;
  acrTasks: AcrTasks;
  registryTokens: RegistryTokens;
  vault: SecretVault;
  approvals: Approvals;
  /** Changes happen only once their audit record is written. */
  audit: AuditLog;
  reporter: JobReporter;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  credentials: CredentialsConfig | undefined;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

/** A replica that is still not provisioned after this long is reported as stuck. */
const replicationPatienceMs = 60 * 60_000;
const DAY_MS = 86_400_000;

type Run = StepRun<AcrChangeJobData>;

async function showCard(
  deps: AcrChangeJobDeps,
  data: AcrChangeJobData,
  status: JobStatus,
  extra: { detail?: Mrkdwn; approval?: ApprovalState; finished?: boolean } = {},
): Promise<void> {
  const approvers = deps.environments[data.environment]?.approval?.approvers ?? [];
  const approval = extra.approval ?? (data.approval ? await deps.approvals.get(data.jobId) : undefined);
  await deps.reporter.updateCard(
    acrChangeCard(data, {
      status,
      portal: deps.portal,
      approvers,
      ...(approval && { approval }),
      ...(extra.detail && { detail: extra.detail }),
      ...(extra.finished && { finishedAt: nowOf(deps).toISOString() }),
    }),
  );
}

const note = (deps: AcrChangeJobDeps, data: AcrChangeJobData, text: Mrkdwn) => deps.reporter.post(data.jobId, { kind: 'note', text });

/** Performs the change; returns the card's closing line and the data it saved, or waits (durably) for a replica. */
async function perform(deps: AcrChangeJobDeps, run: Run, data: AcrChangeJobData): Promise<Mrkdwn | { detail: Mrkdwn; data: AcrChangeJobData }> {
  const { target, change } = data;
  switch (change.op) {
    case 'update': {
      const registry = await deps.registryAdmin.setAdminUser(target, change.adminEnabled);
      if (registry.adminUserEnabled) {
        await note(
          deps,
          data,
          md`The admin user of ${target.registry} is on. It is one shared account with full push and pull rights; its password stays in Azure (never in Slack). Prefer repository-scoped tokens (/acr token create) and turn it off again with /acr update --admin-enabled false.`,
        );
      }
      return md`The admin user of ${target.registry} is now ${registry.adminUserEnabled ? 'enabled' : 'disabled'}.`;
    }
    case 'replication.create':
    case 'replication.delete':
      return followReplication(deps, run, data);
    case 'token.create':
      return createToken(deps, run, data);
    case 'task.create': {
      const task = change.task;
      const existing = await deps.acrTasks.get(target, task.name);
      // A retry of this job after its PUT went through (only the answer was lost) finds its own task.
      if (existing && existing.createdByJob !== data.jobId)
        throw new JobStop(
          `Task ${task.name} already exists in ${target.registry}.`,
          `Pick another name, or delete it first with /acr task delete --name ${task.name}.`,
        );
      let created = existing;
      if (!created) {
        const gitToken = task.gitTokenSecret ? await readGitToken(deps, data.environment, task.gitTokenSecret, task.repositoryUrl) : undefined;
        created = await deps.acrTasks.create(target, task, gitToken, { jobId: data.jobId });
      }
      run.log.info({ task: task.name, registry: target.registry }, 'ACR task created');
      const triggers = task.commitTrigger ? md` Every commit to ${task.branch} now starts a run (ACR registered the repository webhook).` : md``;
      return md`Task ${created.name} is ${(created.status ?? 'Enabled').toLowerCase()} in ${target.registry}.${triggers} Run it now with /acr task run --name ${task.name}.`;
    }
    case 'task.delete': {
      const result = await deps.acrTasks.delete(target, change.task);
      if (result === 'absent') throw new JobStop(`There is no task ${change.task} in ${target.registry}.`, '/acr task list shows its tasks.');
      return md`Task ${change.task} was deleted from ${target.registry}; its triggers no longer start runs.`;
    }
  }
}

/** Scope map → token → password1 (with expiry) → Key Vault. Every step can be repeated. */
async function createToken(deps: AcrChangeJobDeps, run: Run, data: AcrChangeJobData): Promise<{ detail: Mrkdwn; data: AcrChangeJobData }> {
  const { target } = data;
  const change = data.change as Extract<AcrChangeJobData['change'], { op: 'token.create' }>;
  const vaultUrl = deps.credentials?.keyVaultUrl;
  if (!vaultUrl)
    throw new JobStop(
      'Registry tokens need a Key Vault to keep their passwords in.',
      'The platform admin adds a credentials: section with keyVaultUrl to chatops.yaml.',
    );
  const secretName = tokenSecretName(target.registry, change.token);
  if (!data.progress.secretName) {
    // Only a token this job has not started creating can be "already there".
    if (await deps.registryAdmin.getToken(target, change.token)) {
      throw new JobStop(
        `Token ${change.token} already exists in ${target.registry}.`,
        `/acr token rotate --name ${change.token} gives it a new password; /acr token list shows the tokens.`,
      );
    }
    data = await run.save(progressed(data, { secretName }));
  }
  const actions = change.repositories.flatMap((r) => r.actions.map((a) => `repositories/${r.repository}/${a}`));
  const scopeMapId = await deps.registryAdmin.putScopeMap(
    target,
    scopeMapNameOf(change.token),
    actions,
    `Scope of token ${change.token}, created from Slack by job ${data.jobId}`,
  );
  const token = await deps.registryAdmin.putToken(target, change.token, scopeMapId);
  const expiry = new Date(nowOf(deps).getTime() + change.expirationDays * DAY_MS);
  const generated = await deps.registryTokens.generate(
    { subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, name: target.registry },
    token,
    'password1',
    expiry,
  );
  await deps.vault.setSecret(vaultUrl, secretName, generated.value, {
    expiresOn: expiry,
    contentType: 'acr-token-password',
    tags: { registry: target.registry, token: change.token, slot: 'password1', createdBy: data.jobId },
  });
  const expiresAt = generated.expiry ?? expiry.toISOString();
  data = await run.save(progressed(data, { passwordExpiry: expiresAt }));
  run.log.info({ token: change.token, registry: target.registry, secretName }, 'registry token created; password stored in Key Vault');
  // The login server as ARM reports it (sovereign clouds and custom domains differ from *.azurecr.io).
  const { loginServer } = await deps.registryAdmin.get(target);
  await note(
    deps,
    data,
    md`The password of ${change.token} is in Key Vault ${vaultUrl} as secret ${secretName} (expires ${expiresAt.slice(0, 10)}). Sign in with: docker login ${loginServer} -u ${change.token}, password from that secret. The expiry alerts watch it; /acr token rotate --name ${change.token} renews it.`,
  );
  return {
    detail: md`Token ${change.token} was created with ${actions.length} permission${actions.length === 1 ? '' : 's'} on ${change.repositories.map((r) => r.repository).join(', ')}; its password is in Key Vault as ${secretName}, never in Slack.`,
    data,
  };
}

/** Sends the replica's PUT or DELETE once, then checks on it with durable waits until it settles. */
async function followReplication(deps: AcrChangeJobDeps, run: Run, data: AcrChangeJobData): Promise<Mrkdwn> {
  const { target } = data;
  const change = data.change as Extract<AcrChangeJobData['change'], { op: 'replication.create' | 'replication.delete' }>;
  const creating = change.op === 'replication.create';
  if (data.progress.phase !== 'started') {
    if (creating) {
      const registry = await deps.registryAdmin.get(target);
      if (registry.location.toLowerCase() === change.location)
        throw new JobStop(`${change.location} is the home region of ${target.registry}; it is always replicated.`, 'Pick another location.');
      if (registry.sku.toLowerCase() !== 'premium')
        throw new JobStop(
          `${target.registry} is a ${registry.sku} registry; geo-replication needs the Premium SKU.`,
          'Ask the platform admin to upgrade it (az acr update --sku Premium), then run the command again.',
        );
      await deps.registryAdmin.startReplication(target, change.location, change.location);
    } else {
      // Marked before the DELETE: a retry that finds no replica then knows it was this job's own delete.
      const retried = data.progress.sendingAt !== undefined;
      if (!retried) data = await run.save(progressed(data, { sendingAt: nowOf(deps).toISOString() }));
      if ((await deps.registryAdmin.startReplicationDelete(target, change.location)) === 'absent' && !retried) {
        throw new JobStop(`${target.registry} has no replica in ${change.location}.`, '/acr replication list shows where it is replicated.');
      }
    }
    data = await run.save(progressed(data, { phase: 'started', startedAt: nowOf(deps).toISOString() }));
    await note(
      deps,
      data,
      creating
        ? md`Azure accepted the replica in ${change.location}; copying the registry there takes a few minutes.`
        : md`Azure is removing the replica in ${change.location}.`,
    );
    await showCard(deps, data, 'running', {
      detail: creating ? md`Creating the replica in ${change.location}…` : md`Deleting the replica in ${change.location}…`,
    });
  }
  const replica = await deps.registryAdmin.getReplication(target, change.location);
  const state = replica?.provisioningState?.toLowerCase();
  if (creating && state === 'succeeded') return md`${target.registry} is now replicated to ${change.location} (${replica?.status ?? 'Ready'}).`;
  if (creating && (state === 'failed' || state === 'canceled'))
    throw new JobStop(
      `Azure could not create the replica in ${change.location} (${replica?.provisioningState}).`,
      'Check the registry’s replications in the Azure portal; delete the failed replica before trying again.',
    );
  if (creating && !replica)
    throw new JobStop(
      `The replica in ${change.location} disappeared while it was being created.`,
      'Someone may have deleted it; /acr replication list shows the current state.',
    );
  if (!creating && !replica) return md`The ${change.location} replica of ${target.registry} was deleted.`;
  if (nowOf(deps).getTime() - Date.parse(data.progress.startedAt!) > replicationPatienceMs) {
    throw new JobStop(
      `The replica in ${change.location} is still ${replica?.provisioningState ?? 'in progress'} after an hour.`,
      'Check it in the Azure portal; the job stopped waiting, Azure has not.',
    );
  }
  return run.wakeAfter(Math.max(deps.pollIntervalMs, 1_000));
}

/** Step `new`: opens the change's approval when it needs one. */
export async function request(deps: AcrChangeJobDeps, run: Run): Promise<AcrChangeJobData> {
  const { data } = run;
  if (!data.approval) return run.save(progressed(data, { phase: 'ready' }));
  await openApproval(deps.approvals, { ...data, approval: data.approval }, acrChangePlan(data), nowOf(deps));
  return run.save(progressed(data, { phase: 'awaiting-approval' }));
}

/** Step `awaiting-approval`: sleeps until the decision; a rejected or expired change ends the job. */
export async function approve(deps: AcrChangeJobDeps, run: Run): Promise<AcrChangeJobData> {
  const { data } = run;
  const gate = await decisionOf(deps.approvals, run, nowOf(deps), (d, approval) => showCard(deps, d, 'awaiting_approval', { approval }));
  if (gate.kind === 'rejected' || gate.kind === 'expired') {
    await showCard(deps, data, gate.kind, { approval: gate.state, finished: true });
    return run.save(progressed(data, { phase: 'done', outcome: gate.kind }));
  }
  if (gate.state.planHash !== acrChangePlan(data)) throw new JobStop('What was approved is not what this job would change.', 'Run the command again.');
  return run.save(progressed(data, { phase: 'ready' }));
}

/** Steps `ready` and `started`: the audit record first, then the change (a replica is followed until it settles). */
export async function change(deps: AcrChangeJobDeps, run: Run): Promise<AcrChangeJobData> {
  let { data } = run;
  if (data.progress.phase === 'ready' && !data.progress.startedAt) {
    await deps.audit.record({
      actor: 'system',
      action: `acr.${data.change.op}.apply`,
      outcome: 'accepted',
      environment: data.environment,
      target: data.target.registry,
      jobId: data.jobId,
      details: { requester: data.requesterId, change: data.change.op },
    });
    await showCard(deps, data, 'running', { detail: md`Working on ${data.target.registry}…` });
  }
  const result = await perform(deps, run, data);
  const detail = 'detail' in result ? result.detail : result;
  if ('data' in result) data = result.data;
  await showCard(deps, data, 'succeeded', { detail, finished: true });
  const done = await run.save(progressed(data, { phase: 'done', outcome: 'succeeded' }));
  await deps.audit.record({
    actor: 'system',
    action: `acr.${data.change.op}.result`,
    outcome: 'succeeded',
    environment: data.environment,
    target: data.target.registry,
    jobId: data.jobId,
  });
  return done;
}

/** A change that failed for good: said in the thread, on the card and in the audit log. */
export async function reportFailure(deps: AcrChangeJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const described = describeFailure(err, data.target);
  run.log.warn({ err }, `acr ${data.change.op} failed`);
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await showCard(deps, data, 'failed', { detail: md`${described.text}`, finished: true }).catch(() => {});
  await run.save(progressed(data, { phase: 'done', outcome: 'failed' }));
  await deps.audit
    .record({
      actor: 'system',
      action: `acr.${data.change.op}.result`,
      outcome: 'failed',
      environment: data.environment,
      target: data.target.registry,
      jobId: data.jobId,
      details: { error: described.text },
    })
    .catch(() => {});
}

/**
 * The `acr-change` job: registry settings, geo-replicas, scoped tokens and tasks. Removals wait
 * for the requester's confirmation (or the environment's approvers). Every step is an
 * idempotent PUT or DELETE, so a retried job repeats at most a step that changes nothing;
 * replicas, which take minutes, are followed with durable waits instead of holding a worker.
 */
export const acrChangeJob: StepJob<AcrChangeJobData, AcrChangeJobDeps, AcrChangeJobData['progress']['phase']> = {
  phaseOf: (data) => data.progress.phase,
  steps: { new: request, 'awaiting-approval': approve, ready: change, started: change },
  fail: reportFailure,
};

export function createAcrChangeJob(deps: AcrChangeJobDeps): JobHandler<AcrChangeJobData> {
  return runSteps(acrChangeJob, deps);
}
