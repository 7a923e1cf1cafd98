/** Shared setup of the `/aci` end-to-end tests: two environments, registries, vaults, approvers. */
import { expect } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import { ids, replyOf, startHarness, type Harness, type HarnessOptions } from '../../helpers/harness.ts';

export const aci = {
  stgSub: '22222222-2222-4222-8222-222222222222',
  prdSub: '33333333-3333-4333-8333-333333333333',
  stgChannel: 'C0STG',
  prdChannel: 'C0PRD',
  lockedChannel: 'C0LOCKED',
  dave: 'U0DAVE',
  leads: 'S0LEADS',
  dbPassword: 'Db-Pa55-9f8e7d6c-never-in-chat',
  pullPassword: 'pull-8a7b6c5d-never-in-chat',
  pullIdentity: '/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aci-pull',
} as const;

/** alice in staging (no approval) and bob in prod (carol or the leads approve). */
export const stg = { userId: ids.alice, channelId: aci.stgChannel };
export const prd = { userId: ids.bob, channelId: aci.prdChannel };

/** Login servers as ARM reports them: the emulator's registry data plane. */
export const loginServers: Record<string, string> = {};
export const digests: Record<string, string> = {};

function setup(azure: AzureEmulator, slack: SlackEmulator): void {
  for (const [name, sub, rg] of [
    ['contosostg', aci.stgSub, 'rg-stg'],
    ['contosoprd', aci.prdSub, 'rg-prd'],
  ] as const) {
    const loginServer = azure.registryData.endpoint(name).replace(/^https:\/\//, '');
    loginServers[name] = loginServer;
    azure.acr.addRegistry({ subscriptionId: sub, resourceGroup: rg, name, loginServer });
    azure.aci.addResourceGroup(sub, rg, 'westeurope');
    // ACI, like Docker, takes an image's registry to be its first path segment (the host).
    azure.aci.allowImagesFrom(loginServer.split('/')[0]!);
    digests[`${name}/web:v1`] = azure.registryData.pushTag(name, 'web', 'v1');
    digests[`${name}/web:v2`] = azure.registryData.pushTag(name, 'web', 'v2');
  }
  for (const vault of ['kv-stg', 'kv-prd']) {
    azure.keyVault.addVault(vault, ids.tenant);
    azure.keyVault.setSecret(vault, 'db-password', aci.dbPassword);
    azure.keyVault.setSecret(vault, 'acr-pull', aci.pullPassword);
  }
  azure.aci.timing.provisionMs = 600;
  azure.aci.timing.startMs = 200;
  azure.aci.timing.restartMs = 200;
  slack.setUsergroup(aci.leads, [aci.dave]);
}

/**
 * staging: no approval, pull with a service principal from Key Vault. prod: 1 approval from
 * carol or the leads group, managed-identity pull. qa (prod's subscription): approval that
 * expires in 2 s. locked: no public IPs, images only from the prod registry.
 */
function yaml(azure: AzureEmulator): string {
  return `
defaultEnvironment: staging
environments:
  staging:
    subscriptionId: ${aci.stgSub}
    resourceGroup: rg-stg
    location: westeurope
    registry: contosostg
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-stg')}
    registryCredentials: { username: 00000000-aaaa-4bbb-8ccc-000000000001, passwordSecret: acr-pull }
    channels: [${aci.stgChannel}]
  prod:
    subscriptionId: ${aci.prdSub}
    resourceGroup: rg-prd
    location: westeurope
    registry: contosoprd
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-prd')}
    registryCredentials: { identity: ${aci.pullIdentity} }
    approval: { approvers: [${ids.carol}, ${aci.leads}], required: 1, expiresAfter: 1h }
    policy: { publicIp: true, allowedRegistries: [${loginServers.contosoprd}] }
    channels: [${aci.prdChannel}]
  qa:
    subscriptionId: ${aci.prdSub}
    resourceGroup: rg-prd
    location: westeurope
    registry: contosoprd
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-prd')}
    approval: { approvers: [${ids.carol}, ${aci.leads}], required: 2, expiresAfter: 2s }
  locked:
    subscriptionId: ${aci.prdSub}
    resourceGroup: rg-prd
    location: westeurope
    registry: contosoprd
    policy: { publicIp: false, allowedRegistries: [${loginServers.contosoprd}] }
    channels: [${aci.lockedChannel}]
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    staging: { deployer: [${ids.devs}], viewer: ["*"] }
    prod: { deployer: [${ids.sre}], viewer: ["*"] }
    qa: { deployer: [${ids.sre}], viewer: ["*"] }
    locked: { deployer: [${ids.sre}] }
`;
}

export function startAciHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({ setup, yaml, ...options });
}

export function cardOf(h: Harness, channel: string, jobId: string) {
  return h.slack.messages(channel).find((m) => JSON.stringify(m.blocks ?? []).includes(jobId));
}

export function cardText(h: Harness, channel: string, jobId: string): string {
  return JSON.stringify(cardOf(h, channel, jobId)?.blocks ?? []);
}

export async function waitForCard(h: Harness, channel: string, jobId: string, text: string, timeoutMs = 20_000): Promise<void> {
  await h.slack
    .waitFor(() => cardText(h, channel, jobId).includes(text), timeoutMs)
    .catch((err: unknown) => {
      throw new Error(`card of ${jobId} never showed ${JSON.stringify(text)}; it shows ${cardText(h, channel, jobId)}`, { cause: err });
    });
}

/** Runs an `/aci` command and returns the job id from its ephemeral answer. */
export async function aciCommand(h: Harness, text: string, opts: { userId: string; channelId: string; triggerId?: string }): Promise<string> {
  const res = await h.command(text, { command: '/aci', ...opts });
  expect(res.status).toBe(200);
  const body = replyOf(res);
  expect(body.response_type).toBe('ephemeral');
  const jobId = /`(j[0-9a-z]{12})`/.exec(body.text)?.[1];
  expect(jobId, body.text).toBeDefined();
  return jobId!;
}

/** The ephemeral answers (response_url posts) whose text contains `text`. */
export function responsesWith(h: Harness, text: string): unknown[] {
  return h.slack.responses.filter((r) => JSON.stringify(r.body).includes(text));
}

/** Runs an `/aci create` (staging by default) and waits for its card to say Succeeded. */
export async function deployed(h: Harness, text: string, opts: { userId: string; channelId: string } = stg): Promise<string> {
  const jobId = await aciCommand(h, text, opts);
  await waitForCard(h, opts.channelId, jobId, 'Succeeded');
  return jobId;
}

export function putsOf(h: Harness, name: string) {
  return h.azure.aci.puts(name).filter((p) => p.status < 300);
}
