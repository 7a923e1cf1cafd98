import type { CredentialsConfig } from '../src/config/credentials-settings.ts';
import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AuditLog } from '../src/core/audit.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { tokenRotationCard } from '../src/core/credentials/cards.ts';
import { tokenSecretName } from '../src/core/credentials/expiry.ts';
import type { TokenRotationJobData } from '../src/core/credentials/jobs.ts';
import type { RegistryToken, RegistryTokens, SecretVault } from '../src/core/credentials/ports.ts';
import type { RegistryResourceRef } from '../src/core/deploy/ports.ts';
import type { JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { registryTokenCredential, type RotationClaims } from '../src/core/credentials/rotation-claims.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { describeFailure, JobStop } from './job-failures.ts';
import { saveStep } from './rotation-progress.ts';
import { nowOf, runSteps, type StepJob, type StepRun } from './step-runner.ts';
import { claimOrStop, RotationInProgress } from './rotation-claim.ts';

export interface RotateTokenJobDeps {
  registryTokens: RegistryTokens;
  vault: SecretVault;
  reporter: JobReporter;
  audit: AuditLog;
  jobs: JobQueue;
  /** One rotation per credential at a time; claimed by the requester, again here, released when done. */
  rotations: RotationClaims;
  credentials: CredentialsConfig | undefined;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  now?: () => Date;
}

const other = (slot: 'password1' | 'password2') => (slot === 'password1' ? 'password2' : 'password1');

type Run = StepRun<TokenRotationJobData>;

const showCard = (deps: RotateTokenJobDeps, data: TokenRotationJobData, status: JobStatus, detail?: Mrkdwn, finished = false) =>
  deps.reporter.updateCard(tokenRotationCard(data, status, detail, finished ? nowOf(deps).toISOString() : undefined));

function where(deps: RotateTokenJobDeps, data: TokenRotationJobData): { ref: RegistryResourceRef; vaultUrl: string; cfg: CredentialsConfig } {
  const cfg = deps.credentials;
  if (!cfg) throw new JobStop('Credential rotation is not configured.', 'Add a credentials: section with keyVaultUrl to chatops.yaml.');
  const env = deps.environments[data.environment];
  if (!env?.registry) throw new JobStop(`${data.environment} has no registry configured.`, 'Give --env with an environment that has a registry.');
  return { ref: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }, vaultUrl: cfg.keyVaultUrl, cfg };
}

/** Done, one way or the other: the token is free for the next rotation. */
async function release(deps: RotateTokenJobDeps, data: TokenRotationJobData): Promise<void> {
  const { ref } = where(deps, data);
  await deps.rotations.release(registryTokenCredential(ref, data.token), data.jobId);
}

async function token(deps: RotateTokenJobDeps, data: TokenRotationJobData, ref: RegistryResourceRef): Promise<RegistryToken> {
  const found = (await deps.registryTokens.list(ref)).find((t) => t.name === data.token);
  if (!found) throw new JobStop(`Registry ${ref.name} has no token called ${data.token}.`, 'Check the name in the portal (Repository permissions → Tokens).');
  return found;
}

export async function generate(deps: RotateTokenJobDeps, run: Run, data: TokenRotationJobData = run.data): Promise<TokenRotationJobData> {
  const { ref, vaultUrl } = where(deps, data);
  const current = await token(deps, data, ref);
  if (!data.progress.slot) {
    await claimOrStop(deps, registryTokenCredential(ref, data.token), data.jobId, `Token ${data.token} of ${ref.name}`);
    const secretName = tokenSecretName(ref.name, data.token);
    const stored = await deps.vault.current(vaultUrl, secretName);
    // The slot in use is the one Key Vault holds; otherwise the newer one (or the only one).
    const inUse =
      (stored?.tags.slot as 'password1' | 'password2' | undefined) ??
      [...current.passwords].sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0]?.name;
    const slot = inUse ? other(inUse) : 'password1';
    data = await saveStep(
      deps,
      run,
      data,
      { slot, secretName, ...(stored && { previousVersion: stored.version }) },
      `Regenerating ${slot} of token ${data.token}${inUse ? ` (${inUse} stays in use until the new one is verified)` : ''}.`,
    );
    await showCard(deps, data, 'running', md`Generating a new password…`);
  }
  const slot = data.progress.slot!;
  const existing = current.passwords.find((p) => p.name === slot);
  const expiry = existing?.expiry ? new Date(nowOf(deps).getTime() + 365 * 86_400_000) : undefined;
  const generated = await deps.registryTokens.generate(ref, current, slot, expiry);
  const version = await deps.vault.setSecret(vaultUrl, data.progress.secretName!, generated.value, {
    ...(generated.expiry && { expiresOn: new Date(generated.expiry) }),
    contentType: 'acr-token-password',
    tags: { registry: ref.name, token: data.token, slot, rotatedBy: data.jobId },
  });
  await deps.audit.record({
    actor: 'system',
    action: 'rotation.token.generated',
    outcome: 'succeeded',
    environment: data.environment,
    target: `${ref.name}/${data.token}`,
    jobId: data.jobId,
    details: { slot },
  });
  return saveStep(
    deps,
    run,
    data,
    { phase: 'stored', newVersion: version, verifyStartedAt: nowOf(deps).toISOString() },
    `Generated ${slot} and stored it in Key Vault as ${data.progress.secretName}.`,
  );
}

export async function verify(deps: RotateTokenJobDeps, run: Run, data: TokenRotationJobData = run.data): Promise<TokenRotationJobData> {
  const { ref, vaultUrl, cfg } = where(deps, data);
  const value = await deps.vault.version(vaultUrl, data.progress.secretName!, data.progress.newVersion!);
  if ((await deps.registryTokens.verify(ref, data.token, value)) === 'ok') {
    const removeAt = new Date(nowOf(deps).getTime() + cfg.gracePeriod).toISOString();
    await showCard(deps, data, 'running', md`New password verified; the other one stays valid for the grace period.`);
    return saveStep(
      deps,
      run,
      data,
      { phase: 'grace', removeAt },
      `Signed in to ${ref.name} with the new password: verified. The other password goes at ${removeAt.slice(0, 16).replace('T', ' ')} UTC.`,
    );
  }
  if (nowOf(deps).getTime() - Date.parse(data.progress.verifyStartedAt!) >= cfg.verifyTimeout) {
    // Key Vault must not hand out a password that does not work: put the previous value back.
    if (data.progress.previousVersion) {
      const previous = await deps.vault.version(vaultUrl, data.progress.secretName!, data.progress.previousVersion);
      await deps.vault.setSecret(vaultUrl, data.progress.secretName!, previous, {
        contentType: 'acr-token-password',
        tags: { registry: ref.name, token: data.token, slot: other(data.progress.slot!), restoredBy: data.jobId },
      });
    }
    throw new JobStop(
      `The new ${data.progress.slot} of ${data.token} never signed in to ${ref.name}; the password in use was not touched${data.progress.previousVersion ? ' and Key Vault holds it again' : ''}.`,
      'Check the token’s status and scope map in the portal, then rotate again.',
    );
  }
  const attempts = (data.progress.verifyAttempts ?? 0) + 1;
  data = await saveStep(deps, run, data, { verifyAttempts: attempts });
  return run.wakeAfter(Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6)));
}

export async function retire(deps: RotateTokenJobDeps, run: Run, data: TokenRotationJobData = run.data): Promise<void> {
  const left = Date.parse(data.progress.removeAt!) - nowOf(deps).getTime();
  if (left > 0) return run.wakeAfter(left);
  const { ref } = where(deps, data);
  const current = await token(deps, data, ref);
  const slot = data.progress.slot!;
  if (current.passwords.some((p) => p.name !== slot)) {
    await deps.registryTokens.keepOnly(ref, current, slot);
    await deps.audit.record({
      actor: 'system',
      action: 'rotation.token.retired',
      outcome: 'succeeded',
      environment: data.environment,
      target: `${ref.name}/${data.token}`,
      jobId: data.jobId,
      details: { slot: other(slot) },
    });
  }
  data = await saveStep(deps, run, data, { phase: 'done', outcome: 'rotated' }, `Removed ${other(slot)}. Rotation done.`);
  await release(deps, data);
  await showCard(deps, data, 'succeeded', md`Rotated: ${slot} is in Key Vault and verified; ${other(slot)} removed.`, true);
}

/** A rotation that stopped: said in the thread, audited, and the token freed for the next one. */
export async function reportFailure(deps: RotateTokenJobDeps, run: Run, err: unknown): Promise<void> {
  const { data } = run;
  const described = describeFailure(err);
  run.log.warn({ err: { message: (err as Error).message } }, 'token rotation stopped');
  const refused = err instanceof RotationInProgress;
  await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
  await deps.audit
    .record({
      actor: 'system',
      action: refused ? 'rotation.refused' : 'rotation.failed',
      outcome: refused ? 'refused' : 'failed',
      environment: data.environment,
      target: data.token,
      jobId: data.jobId,
      reason: refused ? 'rotation_in_progress' : described.text,
    })
    .catch(() => {});
  await run.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: refused ? 'refused' : 'failed' } });
  if (!refused) await release(deps, data).catch(() => {});
  await showCard(deps, data, 'failed', md`${described.text}`, true);
}

/**
 * The `rotate-token` job: a repository-scoped token has two password slots. Regenerate the one
 * not in use, store it in Key Vault, prove it signs in, then (after the grace period) drop the
 * other slot. Regenerating a slot is repeatable, so a crash before the vault write is repaired
 * by regenerating the same slot again; the slot in use is never touched before that.
 */
export const rotateTokenJob: StepJob<TokenRotationJobData, RotateTokenJobDeps, TokenRotationJobData['progress']['phase']> = {
  phaseOf: (data) => data.progress.phase,
  steps: { generating: generate, stored: verify, grace: retire },
  fail: reportFailure,
};

export function createRotateTokenJob(deps: RotateTokenJobDeps): JobHandler<TokenRotationJobData> {
  return runSteps(rotateTokenJob, deps);
}
