/** Shared setup of the credentials end-to-end tests: apps in the Graph emulator, a vault, config. */
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { ids, startHarness, type Harness, type HarnessOptions } from '../../helpers/harness.ts';

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
  /** A one-off setup on the emulator before start. */
  prepare?: (azure: AzureEmulator) => void;
}

function yaml(azure: AzureEmulator, options: CredentialOptions): string {
  const apps = options.scoped === false
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
        passwordCredentials: [{ keyId: cred.oldKeyId, displayName: 'original', endDateTime: new Date(Date.now() + 5.5 * DAY), secret: cred.oldSecret }],
      });
      azure.keyVault.setSecret('kv-ops', cred.secretName, cred.oldSecret, { tags: { appId: cred.pipelineApp, keyId: cred.oldKeyId } });
      options.prepare?.(azure);
      options.setup?.(azure, slack);
    },
    yaml: (azure) => yaml(azure, options),
  });
}

/** Runs a scan now, as a scheduler tick would. */
export async function scanNow(h: Harness, id: string): Promise<void> {
  const jobs = new BullJobQueue(h.redis);
  await jobs.submit('expiry-scan', id, { jobId: id, trigger: 'schedule', phase: 'new' });
  await jobs.close();
}

/** Every value a secret ever had in this test, for "never leaked" checks. */
export function allSecrets(azure: AzureEmulator, appIds: readonly string[]): string[] {
  return appIds.flatMap((appId) => azure.graph.issuedSecrets(appId));
}
