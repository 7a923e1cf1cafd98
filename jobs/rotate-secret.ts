import type { CredentialsConfig } from '../src/config/credentials-settings.ts';
import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { AzureOperationError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { rotationCard } from '../src/core/credentials/cards.ts';
import { rotationSecretName, type RotationJobData } from '../src/core/credentials/jobs.ts';
import type { AppRegistration, Applications, SecretVault, SecretVerifier } from '../src/core/credentials/ports.ts';
import type { DeployHistory, DeployJobData } from '../src/core/deploy/deploy-job.ts';
import { deployCard } from '../src/core/deploy/deploy-card.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { jobIdFromTrigger } from '../src/core/job-id.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { appSecretCredential, type RotationClaims } from '../src/core/credentials/rotation-claims.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { saveStep } from './rotation-progress.ts';
import { nowOf, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { claimOrStop, RotationInProgress } from './rotation-claim.ts';

export interface RotateSecretJobDeps {
  applications: Applications;
  vault: SecretVault;
  verifier: SecretVerifier;
  reporter: JobReporter;
  audit: AuditLog;
  jobs: JobQueue;
  /** One rotation per credential at a time; claimed by the requester, again here, released when done. */
  rotations: RotationClaims;
  history: DeployHistory;
  credentials: CredentialsConfig | undefined;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  botAppId?: string;
  portal: string;
  pollIntervalMs: number;
  now?: () => Date;
}

type Run = StepRun<RotationJobData>;

const showCard = (deps: RotateSecretJobDeps, data: RotationJobData, status: JobStatus, detail?: Mrkdwn, finished?: boolean) =>
  deps.reporter.updateCard(rotationCard(data, status, detail, finished ? nowOf(deps).toISOString() : undefined));

function config(deps: RotateSecretJobDeps): CredentialsConfig {
  if (!deps.credentials) throw new JobStop('Credential rotation is not configured.', 'Add a credentials: section (keyVaultUrl, applications) to chatops.yaml.');
  return deps.credentials;
}

async function app(deps: RotateSecretJobDeps, data: RotationJobData): Promise<AppRegistration> {
  const found = await deps.applications.find(data.progress.appId ?? data.app);
  if (!found) throw new JobStop(`There is no app registration ${data.app} that I can read.`, 'Check the app id (or exact name) with /sp list.');
  return found;
}

/** Who and which old secret, refusing the bot's own credential and an app with nowhere to store a new secret. */
async function begin(deps: RotateSecretJobDeps, run: Run, data: RotationJobData, current: Awaited<ReturnType<typeof app>>): Promise<RotationJobData> {
  const cfg = config(deps);
  if (current.appId === deps.botAppId) {
    throw new JobStop(
      `${current.displayName} is the bot’s own credential; rotating it would cut the bot off.`,
      'Rotate it by hand and redeploy the bot with the new AZURE_CLIENT_SECRET.',
    );
  }
  const appCfg = cfg.applications?.find((a) => a.appId === current.appId);
  if (!appCfg) {
    throw new JobStop(
      `${current.displayName} has no Key Vault secret configured, so a new secret would have nowhere to go.`,
      `Add it under credentials.applications in chatops.yaml with appId ${current.appId} and a secretName.`,
    );
  }
  await claimOrStop(deps, appSecretCredential(current.appId), data.jobId, current.displayName);
  const stored = await deps.vault.current(cfg.keyVaultUrl, appCfg.secretName);
  // Secrets earlier rotations added are secrets like any other; only this job's own is not "the old one".
  const others = current.passwords.filter((p) => p.displayName !== rotationSecretName(data.jobId));
  const oldKeyId =
    data.oldKeyId ??
    (stored?.tags.keyId && current.passwords.some((p) => p.keyId === stored.tags.keyId)
      ? stored.tags.keyId
      : others.length === 1
        ? others[0]!.keyId
        : undefined);
  data = { ...data, ...(oldKeyId && { oldKeyId }) };
  data = await saveStep(
    deps,
    run,
    data,
    {
      appId: current.appId,
      appName: current.displayName,
      objectId: current.id,
      secretName: appCfg.secretName,
      ...(stored && { previousVersion: stored.version }),
    },
    `Rotating the secret of ${current.displayName}${oldKeyId ? ` (replacing ${oldKeyId})` : ''}.`,
  );
  await showCard(deps, data, 'running', md`Adding a new secret…`);
  return data;
}

/** First step: who, where, and which old secret; then the new secret, added and stored. */
export async function add(deps: RotateSecretJobDeps, run: Run, data: RotationJobData = run.data): Promise<RotationJobData> {
  const cfg = config(deps);
  let current = await app(deps, data);
  if (!data.progress.appId) data = await begin(deps, run, data, current);
  const name = rotationSecretName(data.jobId);
  const ours = current.passwords.filter((p) => p.displayName === name);
  if (ours.length > 0) {
    // An earlier attempt got this far. If Key Vault has its secret, carry on with it; otherwise
    // nobody knows that secret's value: remove it and start over.
    const stored = await deps.vault.current(cfg.keyVaultUrl, data.progress.secretName!);
    const kept = ours.find((p) => p.keyId === stored?.tags.keyId && stored.tags.rotatedBy === data.jobId);
    data = await removeStrays(deps, run, data, current, kept?.keyId);
    if (kept && stored) {
      return saveStep(
        deps,
        run,
        data,
        { phase: 'stored', newKeyId: kept.keyId, newVersion: stored.version, newEndDateTime: kept.endDateTime, verifyStartedAt: nowOf(deps).toISOString() },
        `Found new secret ${kept.keyId} in Key Vault after an interruption; verifying it.`,
      );
    }
    current = await app(deps, data);
  }
  const created = await deps.applications.addPassword(current, name);
  // The value exists only in memory until Key Vault has it; a crash here leaves an orphan the retry removes.
  const version = await deps.vault.setSecret(cfg.keyVaultUrl, data.progress.secretName!, created.secretText, {
    expiresOn: new Date(created.endDateTime),
    contentType: 'client-secret',
    tags: { appId: current.appId, keyId: created.keyId, rotatedBy: data.jobId },
  });
  await deps.audit.record({
    actor: 'system',
    action: 'rotation.secret.added',
    outcome: 'succeeded',
    target: current.appId,
    jobId: data.jobId,
    details: { keyId: created.keyId, secretName: data.progress.secretName! },
  });
  return saveStep(
    deps,
    run,
    data,
    { phase: 'stored', newKeyId: created.keyId, newVersion: version, newEndDateTime: created.endDateTime, verifyStartedAt: nowOf(deps).toISOString() },
    `Added secret ${created.keyId} and stored it in Key Vault as ${data.progress.secretName} (version ${version.slice(0, 8)}).`,
  );
}

/** Signs in with the stored secret; waits while Entra ID propagates it, gives up after verifyTimeout. */
export async function verify(deps: RotateSecretJobDeps, run: Run, data: RotationJobData = run.data): Promise<RotationJobData> {
  const cfg = config(deps);
  const secret = await deps.vault.version(cfg.keyVaultUrl, data.progress.secretName!, data.progress.newVersion!);
  let result: 'ok' | 'not-yet';
  try {
    result = await deps.verifier.verify(data.progress.appId!, secret);
  } catch (err) {
    // A definite answer (expired, unknown app…) will not change by waiting: undo now.
    if (err instanceof AzureOperationError && !err.transient) return undo(deps, data, err.message, err.hint);
    throw err;
  }
  if (result === 'ok') {
    data = await removeStrays(deps, run, data, await app(deps, data), data.progress.newKeyId);
    await showCard(deps, data, 'running', md`New secret verified.`);
    return saveStep(deps, run, data, { phase: 'verified', verifiedAt: nowOf(deps).toISOString() }, 'New secret verified: it signs in.');
  }
  const waited = nowOf(deps).getTime() - Date.parse(data.progress.verifyStartedAt!);
  if (waited >= cfg.verifyTimeout) return undo(deps, data, `The new secret still did not sign in after ${Math.round(waited / 1000)} s.`);
  const attempts = (data.progress.verifyAttempts ?? 0) + 1;
  data = await saveStep(
    deps,
    run,
    data,
    { verifyAttempts: attempts },
    attempts === 1 ? 'Entra ID has not accepted the new secret yet (it takes a while to propagate); trying again shortly.' : undefined,
  );
  // Backoff between looks, without holding a worker: 1 s, 2 s, 4 s … up to a minute.
  return run.wakeAfter(Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6)));
}

/** The new secret failed: remove it, put the previous vault value back, keep the old secret. */
async function undo(
  deps: RotateSecretJobDeps,
  data: RotationJobData,
  why: string,
  hint = 'Check the app registration in Entra ID (and the bot’s Graph permissions), then rotate again.',
): Promise<never> {
  const cfg = config(deps);
  const current = await app(deps, data);
  if (data.progress.newKeyId) await deps.applications.removePassword(current, data.progress.newKeyId);
  if (data.progress.previousVersion) {
    const previous = await deps.vault.version(cfg.keyVaultUrl, data.progress.secretName!, data.progress.previousVersion);
    await deps.vault.setSecret(cfg.keyVaultUrl, data.progress.secretName!, previous, {
      contentType: 'client-secret',
      tags: { appId: current.appId, restoredBy: data.jobId, ...(data.oldKeyId && { keyId: data.oldKeyId }) },
    });
  }
  throw new JobStop(
    `${why} I removed the new secret${data.progress.previousVersion ? ' and put the previous value back in Key Vault' : ''}; the old secret is untouched and still works.`,
    hint,
  );
}

/**
 * Removes every secret named after this job but `keep` (the one in Key Vault): nobody knows
 * their values. One can show up late: Graph may list a secret whose answer was lost (a 503
 * after it was created) only after the job has moved on, so this runs again after verifying
 * and before the old secret goes.
 */
async function removeStrays(deps: RotateSecretJobDeps, run: Run, data: RotationJobData, current: AppRegistration, keep?: string): Promise<RotationJobData> {
  for (const stray of current.passwords.filter((p) => p.displayName === rotationSecretName(data.jobId) && p.keyId !== keep)) {
    await deps.applications.removePassword(current, stray.keyId);
    data = await saveStep(deps, run, data, {}, `Removed secret ${stray.keyId}, added by an interrupted attempt and never stored.`);
  }
  return data;
}

/** Redeploys each consumer with the new secret (read from Key Vault by the deploy job). */
export async function consumers(deps: RotateSecretJobDeps, run: Run, data: RotationJobData = run.data): Promise<RotationJobData | undefined> {
  const appCfg = config(deps).applications?.find((a) => a.appId === data.progress.appId);
  const list = appCfg?.consumers ?? [];
  if (!data.progress.consumerJobs) {
    const ids: string[] = [];
    for (const [i, consumer] of list.entries()) {
      const env = deps.environments[consumer.environment]!;
      const ref = { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: consumer.containerGroup };
      const last = (await deps.history.list(ref)).find((r) => r.request && r.target);
      if (!last?.request || !last.target) {
        throw new JobStop(
          `I know no deploy of ${consumer.containerGroup} in ${consumer.environment} to repeat with the new secret, so the old secret stays.`,
          `Deploy it once with /aci create, then rotate again; or remove it from consumers in chatops.yaml.`,
        );
      }
      const jobId = jobIdFromTrigger(data.teamId, `${data.jobId}:consumer:${i}`);
      const deploy: DeployJobData = {
        jobId,
        requesterId: data.requesterId === 'system' ? 'system' : data.requesterId,
        teamId: data.teamId,
        channelId: data.channelId,
        environment: consumer.environment,
        queuedAt: nowOf(deps).toISOString(),
        target: last.target,
        // The same image by digest: only the pull secret changes.
        request: {
          ...last.request,
          image: { registry: last.loginServer, repository: last.repository, digest: last.digest, text: `${last.repository}@${last.digest.slice(0, 19)}…` },
        },
        progress: { phase: 'new' },
      };
      await deps.reporter.openCard(deployCard(deploy, { status: 'queued', portal: deps.portal }), { channelId: data.channelId, teamId: data.teamId });
      await deps.jobs.submit('deploy', jobId, deploy);
      ids.push(jobId);
    }
    data = await saveStep(
      deps,
      run,
      data,
      { phase: 'consumers', consumerJobs: ids },
      ids.length ? `Redeploying ${list.map((c) => `${c.containerGroup} (${c.environment})`).join(', ')} with the new secret.` : undefined,
    );
  }
  const outcomes = await Promise.all(
    (data.progress.consumerJobs ?? []).map(async (id) => ((await deps.jobs.get(id))?.data as DeployJobData | undefined)?.progress.outcome),
  );
  if (outcomes.some((o) => o === undefined)) return run.wakeAfter(deps.pollIntervalMs * 2);
  if (outcomes.some((o) => o !== 'succeeded')) {
    throw new JobStop(
      'A consumer did not redeploy with the new secret, so the old secret stays (both work).',
      'See the deploy cards above; fix and redeploy, then remove the old secret with another rotation or by hand.',
    );
  }
  return saveStep(deps, run, data, { phase: 'grace' }, list.length ? 'Consumers redeployed with the new secret.' : undefined);
}

export async function grace(deps: RotateSecretJobDeps, run: Run, data: RotationJobData = run.data): Promise<void> {
  const cfg = config(deps);
  if (!data.progress.removeAt) {
    const removeAt = new Date(nowOf(deps).getTime() + cfg.gracePeriod).toISOString();
    data = await saveStep(
      deps,
      run,
      data,
      { removeAt },
      data.oldKeyId
        ? `Old secret ${data.oldKeyId} will be removed at ${removeAt.slice(0, 16).replace('T', ' ')} UTC.`
        : 'No old secret identified: nothing to remove.',
    );
    await showCard(deps, data, 'running', md`New secret in use; the old one stays valid for the grace period.`);
  }
  const left = Date.parse(data.progress.removeAt!) - nowOf(deps).getTime();
  if (left > 0) return run.wakeAfter(left);
  const current = await app(deps, data);
  data = await removeStrays(deps, run, data, current, data.progress.newKeyId);
  if (data.oldKeyId && data.oldKeyId !== data.progress.newKeyId) {
    await deps.applications.removePassword(current, data.oldKeyId);
    await deps.audit.record({
      actor: 'system',
      action: 'rotation.secret.removed',
      outcome: 'succeeded',
      target: current.appId,
      jobId: data.jobId,
      details: { keyId: data.oldKeyId },
    });
  }
  data = await saveStep(
    deps,
    run,
    data,
    { phase: 'done', outcome: 'rotated' },
    data.oldKeyId ? `Removed old secret ${data.oldKeyId}. Rotation done.` : 'Rotation done.',
  );
  await release(deps, data);
  await showCard(
    deps,
    data,
    'succeeded',
    md`Rotated: new secret ${data.progress.newKeyId} is in Key Vault and verified${data.oldKeyId ? `; old secret ${data.oldKeyId} removed` : ''}.`,
    true,
  );
}

/** Done, one way or the other: the credential is free for the next rotation. */
async function release(deps: RotateSecretJobDeps, data: RotationJobData): Promise<void> {
  await deps.rotations.release(appSecretCredential(data.progress.appId ?? data.app), data.jobId);
}

/** A rotation that stopped: an unverified new secret is removed, and the stop is said and audited. */
export async function reportFailure(deps: RotateSecretJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const described = describeFailure(err);
  run.log.warn({ err: err instanceof AzureOperationError || err instanceof JobStop ? { message: err.message } : err }, 'rotation stopped');
  // A secret added but not yet verified is not left behind: verification failed or never ran.
  if (!(err instanceof JobStop) && data.progress.phase === 'stored') {
    await undo(deps, data, 'The rotation failed before the new secret was verified.').catch(() => {});
  }
  if (!(err instanceof JobStop) && data.progress.phase === 'adding' && data.progress.appId) {
    // Failed between adding the secret and storing it: nobody can use that secret, so it goes.
    await app(deps, data)
      .then((current) => removeStrays(deps, run, data, current))
      .catch((cleanup: unknown) => run.log.error({ err: cleanup }, 'could not remove an unstored secret'));
  }
  const refused = err instanceof RotationInProgress;
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await deps.audit
    .record({
      actor: 'system',
      action: refused ? 'rotation.refused' : 'rotation.failed',
      outcome: refused ? 'refused' : 'failed',
      target: data.progress.appId ?? data.app,
      jobId: data.jobId,
      reason: refused ? 'rotation_in_progress' : described.text,
    })
    .catch(() => {});
  await run.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: refused ? 'refused' : 'failed' } });
  if (!refused) await release(deps, data);
  await showCard(deps, data, 'failed', md`${described.text}`, true);
}

/**
 * The `rotate-secret` job. Each step is saved before the next, and every step can be resumed:
 * add a secret (named after the job) → store it in Key Vault → prove it signs in (waiting out
 * Entra ID's propagation) → redeploy consumers → wait the grace period → remove the old secret.
 * The old secret is never removed before the new one is stored and verified; a secret added
 * but never stored (a crash in between) is found by its name and removed.
 */
export const rotateSecretJob: StepJob<RotationJobData, RotateSecretJobDeps, RotationJobData['progress']['phase']> = {
  phaseOf: (data) => data.progress.phase,
  steps: { adding: add, stored: verify, verified: consumers, consumers, grace },
  fail: reportFailure,
};

export function createRotateSecretJob(deps: RotateSecretJobDeps): JobHandler<RotationJobData> {
  return runSteps(rotateSecretJob, deps);
}
