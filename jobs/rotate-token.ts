import type { CredentialsConfig } from '../src/config/credentials-settings.ts';
import type { EnvironmentConfig } from '../src/config/file.ts';
import type { AuditLog } from '../src/core/audit.ts';
import { describeAzureError } from '../src/core/azure-errors.ts';
import type { JobReporter, JobStatus } from '../src/core/card.ts';
import { tokenRotationCard } from '../src/core/credentials/cards.ts';
import { tokenSecretName } from '../src/core/credentials/expiry.ts';
import type { TokenRotationJobData } from '../src/core/credentials/jobs.ts';
import type { RegistryToken, RegistryTokens, SecretVault } from '../src/core/credentials/ports.ts';
import type { RegistryResourceRef } from '../src/core/deploy/ports.ts';
import type { JobContext, JobHandler } from '../src/core/job-context.ts';
import { md, type Mrkdwn } from '../src/core/mrkdwn.ts';
import { registryTokenCredential, type RotationClaims } from '../src/core/credentials/rotation-claims.ts';
import type { JobQueue } from '../src/core/job-queue.ts';
import { JobStop, retryIfItMayPass } from './job-failures.ts';
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

/**
 * The `rotate-token` job: a repository-scoped token has two password slots. Regenerate the one
 * not in use, store it in Key Vault, prove it signs in, then (after the grace period) drop the
 * other slot. Regenerating a slot is repeatable, so a crash before the vault write is repaired
 * by regenerating the same slot again; the slot in use is never touched before that.
 */
export function createRotateTokenJob(deps: RotateTokenJobDeps): JobHandler<TokenRotationJobData> {
  const now = deps.now ?? (() => new Date());

  const card = (data: TokenRotationJobData, status: JobStatus, detail?: Mrkdwn, finished = false) =>
    deps.reporter.updateCard(tokenRotationCard(data, status, detail, finished ? now().toISOString() : undefined));

  async function save(ctx: JobContext<TokenRotationJobData>, data: TokenRotationJobData, progress: Partial<TokenRotationJobData['progress']>, step?: string): Promise<TokenRotationJobData> {
    const steps = step ? [...data.progress.steps, { at: now().toISOString(), text: step }] : data.progress.steps;
    const next = { ...data, progress: { ...data.progress, ...progress, steps } };
    await ctx.save(next);
    if (step) await deps.reporter.post(data.jobId, { kind: 'note', text: md`${now().toISOString().slice(11, 19)} UTC · ${step}` });
    return next;
  }

  function where(data: TokenRotationJobData): { ref: RegistryResourceRef; vaultUrl: string; cfg: CredentialsConfig } {
    const cfg = deps.credentials;
    if (!cfg) throw new JobStop('Credential rotation is not configured.', 'Add a credentials: section with keyVaultUrl to chatops.yaml.');
    const env = deps.environments[data.environment];
    if (!env?.registry) throw new JobStop(`${data.environment} has no registry configured.`, 'Give --env with an environment that has a registry.');
    return { ref: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }, vaultUrl: cfg.keyVaultUrl, cfg };
  }

  /** Done, one way or the other: the token is free for the next rotation. */
  async function release(data: TokenRotationJobData): Promise<void> {
    const { ref } = where(data);
    await deps.rotations.release(registryTokenCredential(ref, data.token), data.jobId);
  }

  async function token(data: TokenRotationJobData, ref: RegistryResourceRef): Promise<RegistryToken> {
    const found = (await deps.registryTokens.list(ref)).find((t) => t.name === data.token);
    if (!found) throw new JobStop(`Registry ${ref.name} has no token called ${data.token}.`, 'Check the name in the portal (Repository permissions → Tokens).');
    return found;
  }

  async function generate(ctx: JobContext<TokenRotationJobData>, data: TokenRotationJobData): Promise<TokenRotationJobData> {
    const { ref, vaultUrl } = where(data);
    const current = await token(data, ref);
    if (!data.progress.slot) {
      await claimOrStop(deps, registryTokenCredential(ref, data.token), data.jobId, `Token ${data.token} of ${ref.name}`);
      const secretName = tokenSecretName(ref.name, data.token);
      const stored = await deps.vault.current(vaultUrl, secretName);
      // The slot in use is the one Key Vault holds; otherwise the newer one (or the only one).
      const inUse = (stored?.tags.slot as 'password1' | 'password2' | undefined) ??
        [...current.passwords].sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0]?.name;
      const slot = inUse ? other(inUse) : 'password1';
      data = await save(ctx, data, { slot, secretName, ...(stored && { previousVersion: stored.version }) }, `Regenerating ${slot} of token ${data.token}${inUse ? ` (${inUse} stays in use until the new one is verified)` : ''}.`);
      await card(data, 'running', md`Generating a new password…`);
    }
    const slot = data.progress.slot!;
    const existing = current.passwords.find((p) => p.name === slot);
    const expiry = existing?.expiry ? new Date(now().getTime() + 365 * 86_400_000) : undefined;
    const generated = await deps.registryTokens.generate(ref, current, slot, expiry);
    const version = await deps.vault.setSecret(vaultUrl, data.progress.secretName!, generated.value, {
      ...(generated.expiry && { expiresOn: new Date(generated.expiry) }),
      contentType: 'acr-token-password',
      tags: { registry: ref.name, token: data.token, slot, rotatedBy: data.jobId },
    });
    await deps.audit.record({ actor: 'system', action: 'rotation.token.generated', outcome: 'succeeded', environment: data.environment, target: `${ref.name}/${data.token}`, jobId: data.jobId, details: { slot } });
    return save(ctx, data, { phase: 'stored', newVersion: version, verifyStartedAt: now().toISOString() }, `Generated ${slot} and stored it in Key Vault as ${data.progress.secretName}.`);
  }

  async function verify(ctx: JobContext<TokenRotationJobData>, data: TokenRotationJobData): Promise<TokenRotationJobData> {
    const { ref, vaultUrl, cfg } = where(data);
    const value = await deps.vault.version(vaultUrl, data.progress.secretName!, data.progress.newVersion!);
    if ((await deps.registryTokens.verify(ref, data.token, value)) === 'ok') {
      const removeAt = new Date(now().getTime() + cfg.gracePeriod).toISOString();
      await card(data, 'running', md`New password verified; the other one stays valid for the grace period.`);
      return save(ctx, data, { phase: 'grace', removeAt }, `Signed in to ${ref.name} with the new password: verified. The other password goes at ${removeAt.slice(0, 16).replace('T', ' ')} UTC.`);
    }
    if (now().getTime() - Date.parse(data.progress.verifyStartedAt!) >= cfg.verifyTimeout) {
      // Key Vault must not hand out a password that does not work: put the previous value back.
      if (data.progress.previousVersion) {
        const previous = await deps.vault.version(vaultUrl, data.progress.secretName!, data.progress.previousVersion);
        await deps.vault.setSecret(vaultUrl, data.progress.secretName!, previous, { contentType: 'acr-token-password', tags: { registry: ref.name, token: data.token, slot: other(data.progress.slot!), restoredBy: data.jobId } });
      }
      throw new JobStop(`The new ${data.progress.slot} of ${data.token} never signed in to ${ref.name}; the password in use was not touched${data.progress.previousVersion ? ' and Key Vault holds it again' : ''}.`, 'Check the token’s status and scope map in the portal, then rotate again.');
    }
    const attempts = (data.progress.verifyAttempts ?? 0) + 1;
    data = await save(ctx, data, { verifyAttempts: attempts });
    return ctx.wakeAfter(Math.min(60_000, 1000 * 2 ** Math.min(attempts - 1, 6)));
  }

  async function retire(ctx: JobContext<TokenRotationJobData>, data: TokenRotationJobData): Promise<void> {
    const left = Date.parse(data.progress.removeAt!) - now().getTime();
    if (left > 0) return ctx.wakeAfter(left);
    const { ref } = where(data);
    const current = await token(data, ref);
    const slot = data.progress.slot!;
    if (current.passwords.some((p) => p.name !== slot)) {
      await deps.registryTokens.keepOnly(ref, current, slot);
      await deps.audit.record({ actor: 'system', action: 'rotation.token.retired', outcome: 'succeeded', environment: data.environment, target: `${ref.name}/${data.token}`, jobId: data.jobId, details: { slot: other(slot) } });
    }
    data = await save(ctx, data, { phase: 'done', outcome: 'rotated' }, `Removed ${other(slot)}. Rotation done.`);
    await release(data);
    await card(data, 'succeeded', md`Rotated: ${slot} is in Key Vault and verified; ${other(slot)} removed.`, true);
  }

  return async function runTokenRotation(ctx) {
    let data = ctx.data;
    try {
      if (data.progress.phase === 'done') return;
      if (data.progress.phase === 'generating') data = await generate(ctx, data);
      if (data.progress.phase === 'stored') data = await verify(ctx, data);
      if (data.progress.phase === 'grace') await retire(ctx, data);
    } catch (err) {
      await retryIfItMayPass(ctx, err);
      const described = err instanceof JobStop ? { text: err.message, hint: err.hint } : describeAzureError(err);
      ctx.log.warn({ err: { message: (err as Error).message } }, 'token rotation stopped');
      const refused = err instanceof RotationInProgress;
      await deps.reporter.post(data.jobId, { kind: 'error', text: described.text, hint: described.hint });
      await deps.audit
        .record({ actor: 'system', action: refused ? 'rotation.refused' : 'rotation.failed', outcome: refused ? 'refused' : 'failed', environment: data.environment, target: data.token, jobId: data.jobId, reason: refused ? 'rotation_in_progress' : described.text })
        .catch(() => {});
      await ctx.save({ ...data, progress: { ...data.progress, phase: 'done', outcome: refused ? 'refused' : 'failed' } });
      if (!refused) await release(data).catch(() => {});
      await card(data, 'failed', md`${described.text}`, true);
    }
  };
}
