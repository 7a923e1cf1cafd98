/** Shared setup of the credentials end-to-end tests: apps in the Graph emulator, a vault, config. */
import { expect } from 'vitest';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { ids, replyOf, startHarness, type Harness, type HarnessOptions } from '../../helpers/harness.ts';

export const cred = {
  alertChannel: 'C0ALERTS',
  pipelineApp: '22222222-2222-4222-8222-222222222222',
  oldKeyId: '0ld0ld00-0000-4000-8000-000000000001'.replace(/l/g, '1'),
  oldSecret: 'old-pipeline-secret-value-1234567890',
  secretName: 'build-pipeline-sp',
} as const;

export const DAY = 86_400_000;

export interface CredentialOptions extends HarnessOptions {
  /** Extra YAML under `credentials:` (indented two spaces), e.g. `  gracePeriod: 2s`. */
  credentials?: string;
  /** List `applications:` (the pipeline app); omit to scan every app. */
  scoped?: boolean;
  /** Extra YAML under the pipeline app's entry (indented six spaces), e.g. `      autoRotate: true`. */
  app?: string;
  /** Extra YAML under `environments.dev` (indented four spaces). */
  dev?: string;
  /** Extra YAML under `access:` (indented two spaces), e.g. `  channels: { dev: [C0DEV] }`. */
  access?: string;
  /** Display name of the pipeline app's current secret (default `original`). */
  oldSecretName?: string;
  /** A one-off setup on the emulator before start. */
  prepare?: (azure: AzureEmulator) => void;
}

function yaml(azure: AzureEmulator, options: CredentialOptions): string {
  const apps =
    options.scoped === false
      ? ''
      : `  applications:
    - appId: ${cred.pipelineApp}
      secretName: ${cred.secretName}
${options.app ?? ''}
`;
  return `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: ${ids.subscription}
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    channels: [${ids.devChannel}]
${(options.dev ?? '').replace('KV_URL', azure.keyVault.vaultUrl('kv-ops'))}
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev: { builder: [${ids.devs}], deployer: [${ids.devs}], viewer: ["*"] }
${options.access ?? ''}
credentials:
  alertChannel: ${cred.alertChannel}
  schedule: "0 0 1 1 *"
  keyVaultUrl: ${azure.keyVault.vaultUrl('kv-ops')}
  tenantId: ${ids.tenant}
${options.credentials ?? ''}
${apps}`;
}

export function startCredentialHarness(options: CredentialOptions = {}): Promise<Harness> {
  return startHarness({
    ...options,
    setup: (azure, slack) => {
      azure.keyVault.addVault('kv-ops', ids.tenant);
      azure.graph.addApplication({
        appId: cred.pipelineApp,
        displayName: 'build-pipeline',
        tenantId: ids.tenant,
        passwordCredentials: [
          { keyId: cred.oldKeyId, displayName: options.oldSecretName ?? 'original', endDateTime: new Date(Date.now() + 5.5 * DAY), secret: cred.oldSecret },
        ],
      });
      azure.keyVault.setSecret('kv-ops', cred.secretName, cred.oldSecret, { tags: { appId: cred.pipelineApp, keyId: cred.oldKeyId } });
      options.prepare?.(azure);
      options.setup?.(azure, slack);
    },
    yaml: (azure) => yaml(azure, options),
  });
}

/** Runs a scan now, as a scheduler tick would. */
export async function scanNow(h: Harness, id: string, prefix?: string): Promise<void> {
  const jobs = new BullJobQueue(h.redis, { ...(prefix && { prefix }) });
  await jobs.submit('expiry-scan', id, { jobId: id, trigger: 'schedule', phase: 'new' });
  await jobs.close();
}

/** Every value a secret ever had in this test, for "never leaked" checks. */
export function allSecrets(azure: AzureEmulator, appIds: readonly string[]): string[] {
  return appIds.flatMap((appId) => azure.graph.issuedSecrets(appId));
}

export function cardsIn(harness: Harness, channel: string) {
  return harness.slack.messages(channel);
}

export function cardWith(harness: Harness, channel: string, text: string) {
  return cardsIn(harness, channel).find((m) => JSON.stringify(m.blocks ?? []).includes(text));
}

/** Waits until the card of `jobId` in `channel` ends as `status`. */
export function cardEnds(
  harness: Harness,
  jobId: string,
  status: 'Succeeded' | 'Failed',
  channel: string = ids.devChannel,
  timeoutMs = 30_000,
): Promise<unknown> {
  return harness.slack.waitFor(() => JSON.stringify(cardWith(harness, channel, jobId)?.blocks ?? []).includes(status), timeoutMs);
}

/** `/sp <text>` as the admin; returns the job id the answer names. */
export async function rotate(harness: Harness, text: string): Promise<string> {
  const res = await harness.command(text, { command: '/sp', userId: ids.admin, channelId: ids.devChannel });
  const body = replyOf(res);
  const jobId = /`(j[0-9a-z]{12})`/.exec(body.text)?.[1];
  expect(jobId, body.text).toBeDefined();
  return jobId!;
}

/** The pipeline app's Key Vault secret, latest version. */
export async function vaultState(harness: Harness) {
  const versions = harness.azure.keyVault.secretVersions('kv-ops', cred.secretName);
  return versions.at(-1)!;
}

/** After a rotation: the app has exactly one secret, a new one, and Key Vault holds its value. */
export async function onlyFreshSecret(harness: Harness) {
  const app = harness.azure.graph.application(cred.pipelineApp)!;
  expect(app.passwordCredentials).toHaveLength(1);
  const fresh = app.passwordCredentials[0]!;
  expect(fresh.keyId).not.toBe(cred.oldKeyId);
  expect((await vaultState(harness)).value).toBe(harness.azure.graph.secretOf(cred.pipelineApp, fresh.keyId));
  return fresh;
}

/** A harness whose dev registry has token ci-pull, password1 in use (in Key Vault) and expiring in 2.5 days. */
export function startTokenHarness(options: CredentialOptions = {}): Promise<Harness> {
  return startCredentialHarness({
    registries: 'emulator',
    credentials: '  gracePeriod: 1s',
    ...options,
    prepare: (azure) => {
      azure.acr.addToken('contosodev', 'ci-pull', {
        passwords: [{ name: 'password1', value: 'token-password-one-in-use', expiry: new Date(Date.now() + 2.5 * DAY) }],
      });
      azure.keyVault.setSecret('kv-ops', 'acr-token-contosodev-ci-pull', 'token-password-one-in-use', { tags: { slot: 'password1' } });
      options.prepare?.(azure);
    },
  });
}
