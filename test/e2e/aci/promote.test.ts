/**
 * `/aci promote` and `/acr promote` end to end: the real bot and worker, the Azure emulator's
 * importImage LRO and the Slack emulator. A promotion imports the digest running in staging into
 * prod's registry by digest, then prod's normal deploy waits for prod's approver; a worker killed
 * during the import resumes it without a second import; refusals come before anything is queued.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ClientSecretCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { finishedRun } from '../../integration/azure-adapters/setup.ts';
import { ids, type Harness } from '../../helpers/harness.ts';
import { aci, aciCommand, cardText, deployed, digests, loginServers, prd, putsOf, startAciHarness, waitForCard } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const stgRegistryId = `/subscriptions/${aci.stgSub}/resourceGroups/rg-stg/providers/Microsoft.ContainerRegistry/registries/contosostg`;

/** The deploy card of `jobId` itself (the promotion's card names the deploy job too). */
function deployCardText(harness: Harness, jobId: string): string {
  const card = harness.slack.messages(aci.prdChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(`job \`${jobId}\``));
  return JSON.stringify(card?.blocks ?? []);
}

async function waitForDeployCard(harness: Harness, jobId: string, text: string): Promise<void> {
  await harness.slack
    .waitFor(() => deployCardText(harness, jobId).includes(text), 20_000)
    .catch((err: unknown) => {
      throw new Error(`deploy card ${jobId} never showed ${text}; it shows ${deployCardText(harness, jobId)}`, { cause: err });
    });
}

function deployCardTs(harness: Harness, jobId: string): string {
  return harness.slack.messages(aci.prdChannel).find((m) => JSON.stringify(m.blocks ?? []).includes(`job \`${jobId}\``))!.ts;
}

/** The deploy job a promotion queued, from its card's Deploy field. */
function deployJobOf(harness: Harness, promoteJobId: string): string {
  const id = /job (j[0-9a-z]{12})/.exec(cardText(harness, aci.prdChannel, promoteJobId).replace(/\\n/g, ' ').split('Deploy')[1] ?? '')?.[1];
  expect(id, cardText(harness, aci.prdChannel, promoteJobId)).toBeDefined();
  return id!;
}

function ackText(res: { json?: unknown }): string {
  return (res.json as { text: string }).text;
}

describe('/aci promote', () => {
  it('imports the digest running in staging into prod by digest, waits for prod’s approver, and Approve deploys it', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1 --ports 80 --ip-address Public --environment-variables MODE=live');
    const running = digests['contosostg/web:v1']!;

    const jobId = await aciCommand(h, 'promote -n web --from staging --to prod', prd);
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    const deployJobId = deployJobOf(h, jobId);
    const promoteCard = cardText(h, aci.prdChannel, jobId);
    expect(promoteCard).toContain(`Imported web@${running} into contosoprd as v1`);
    // prod's web:v1 was another build: the tag now points at the promoted digest, and the card says so.
    expect(promoteCard).toContain(`pointed at ${digests['contosoprd/web:v1']}`);

    const imports = h.azure.acr.imports('contosoprd');
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({
      source: stgRegistryId,
      sourceImage: `web@${running}`,
      targetTags: ['web:v1'],
      mode: 'Force',
      status: 'Succeeded',
      digest: running,
    });
    expect(h.azure.registryData.digestOf('contosoprd', 'web', 'v1')).toBe(running);

    await waitForDeployCard(h, deployJobId, 'approval.approve');
    const card = deployCardText(h, deployJobId);
    expect(card).toContain('Promotion of the digest running in staging since');
    expect(card).toContain(`web@${running}`);
    expect(card).toContain('MODE=live');
    expect(card).toContain('Waiting for approval');
    expect(putsOf(h, 'web').filter((p) => p.resourceGroup === 'rg-prd')).toHaveLength(0);

    // The promoter cannot approve their own promotion; prod's approver can.
    await h.click('approval.approve', deployJobId, { userId: ids.bob, messageTs: deployCardTs(h, deployJobId), channelId: aci.prdChannel });
    await h.slack.waitFor(() => JSON.stringify(h!.slack.responses).includes('you cannot approve it'), 5000);
    await h.click('approval.approve', deployJobId, { userId: ids.carol, messageTs: deployCardTs(h, deployJobId), channelId: aci.prdChannel });
    await waitForDeployCard(h, deployJobId, 'Succeeded');
    const prodPuts = putsOf(h, 'web').filter((p) => p.resourceGroup === 'rg-prd');
    expect(prodPuts).toHaveLength(1);
    const body = prodPuts[0]!.body as { properties: { containers: { properties: { image: string } }[]; imageRegistryCredentials: unknown } };
    expect(body.properties.containers[0]!.properties.image).toBe(`${loginServers.contosoprd}/web@${running}`);
    expect(body.properties.imageRegistryCredentials).toEqual([{ server: loginServers.contosoprd, identity: aci.pullIdentity }]);
    const audit = JSON.stringify(await h.redis.xrange('chatops:audit', '-', '+'));
    expect(audit).toContain('command.aci.promote');
    expect(audit).toContain('promote.import');

    // Promoting the same digest again: it is there already, so nothing is imported.
    const again = await aciCommand(h, 'promote -n web --from staging --to prod', prd);
    await waitForCard(h, aci.prdChannel, again, 'Succeeded');
    expect(cardText(h, aci.prdChannel, again)).toContain('nothing to import');
    expect(h.azure.acr.imports('contosoprd')).toHaveLength(1);
  });

  it('resumes the import after the worker dies while it runs: one import, one deploy', async () => {
    h = await startAciHarness({ worker: 'child' });
    await deployed(h, 'create -n web --image web:v2');
    h.azure.acr.importOperationMs = 4000;
    const jobId = await aciCommand(h, 'promote -n web --from staging --to prod', prd);
    // Killed once the import's resume token is saved. A kill between the POST and that save
    // imports again (the same digest under the same tag, one image), which this test is not about.
    await h.slack.waitFor(async () => {
      const raw = await h!.redis.hget(`chatops:jobs:${jobId}`, 'data');
      return raw !== null && (JSON.parse(raw) as { progress?: { resumeToken?: string } }).progress?.resumeToken !== undefined;
    }, 30_000);
    expect(h.azure.acr.imports('contosoprd')).toHaveLength(1);
    await h.killWorker();
    await h.startWorker();
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded', 30_000);
    const deployJobId = deployJobOf(h, jobId);
    await waitForDeployCard(h, deployJobId, 'approval.approve');
    expect(cardText(h, aci.prdChannel, jobId)).toContain('Imported web@');
    expect(h.azure.acr.imports('contosoprd')).toHaveLength(1);
    expect(h.azure.count('POST', /\/importImage$/)).toBe(1);
    expect(h.azure.registryData.digestOf('contosoprd', 'web', 'v2')).toBe(digests['contosostg/web:v2']);
    expect(
      h.slack
        .messages(aci.prdChannel)
        .filter((m) => JSON.stringify(m.blocks ?? []).includes(deployJobId) && JSON.stringify(m.blocks ?? []).includes('Promotion of the digest')),
    ).toHaveLength(1);
  });

  it('refuses before anything is queued: unknown environment, same environment, no such group, missing role, the target’s policy', async () => {
    h = await startAciHarness();
    await deployed(h, 'create -n web --image web:v1 --dns-name-label contoso-web');
    const cases: [string, { userId: string; channelId: string }, string][] = [
      ['promote -n web --from staging --to moon', prd, 'There is no environment called "moon"'],
      ['promote -n web --from prod --to prod', prd, '--from and --to are both'],
      ['promote -n nosuch --from staging --to prod', prd, 'I know no deploy of nosuch in staging'],
      ['promote -n web --from staging --to prod', { userId: ids.alice, channelId: aci.prdChannel }, 'deployer'],
      // staging's web has a public IP; locked allows none.
      [
        'promote -n web --from staging --to locked',
        { userId: ids.bob, channelId: aci.lockedChannel },
        'locked does not allow container groups with a public IP address',
      ],
    ];
    for (const [text, who, expected] of cases) {
      const res = await h.command(text, { command: '/aci', ...who });
      expect(ackText(res), text).toContain(expected);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(h.azure.acr.imports()).toHaveLength(0);
    expect(h.slack.messages(aci.prdChannel).filter((m) => JSON.stringify(m.blocks ?? []).includes('Promote'))).toHaveLength(0);
  });
});

describe('/acr promote', () => {
  it('imports the digest of a tag into the target registry without deploying; a repeat imports nothing', async () => {
    h = await startAciHarness();
    const admin = { userId: ids.admin, channelId: aci.prdChannel };
    const refused = await h.command('promote --image web:v2 --from staging --to prod', { command: '/acr', ...prd });
    expect(ackText(refused)).toContain('builder');

    const res = await h.command('promote --image web:v2 --from staging --to prod', { command: '/acr', ...admin });
    const id = /`(j[0-9a-z]{12})`/.exec(ackText(res))![1]!;
    await waitForCard(h, aci.prdChannel, id, 'Succeeded');
    expect(cardText(h, aci.prdChannel, id)).toContain('registry only');
    expect(h.azure.registryData.digestOf('contosoprd', 'web', 'v2')).toBe(digests['contosostg/web:v2']);
    expect(h.azure.acr.imports('contosoprd')).toMatchObject([
      { source: stgRegistryId, sourceImage: `web@${digests['contosostg/web:v2']}`, targetTags: ['web:v2'] },
    ]);
    expect(h.azure.aci.puts('web')).toHaveLength(0);

    const repeat = await h.command('promote --image web:v2 --from staging --to prod', { command: '/acr', ...admin });
    const repeatId = /`(j[0-9a-z]{12})`/.exec(ackText(repeat))![1]!;
    await waitForCard(h, aci.prdChannel, repeatId, 'Succeeded');
    expect(cardText(h, aci.prdChannel, repeatId)).toContain('nothing to import');
    expect(h.azure.acr.imports('contosoprd')).toHaveLength(1);

    const missing = await h.command('promote --image web:v9 --from staging --to prod', { command: '/acr', ...admin });
    const missingId = /`(j[0-9a-z]{12})`/.exec(ackText(missing))![1]!;
    await waitForCard(h, aci.prdChannel, missingId, 'Failed');
    expect(cardText(h, aci.prdChannel, missingId)).toContain('There is no web:v9 in staging');
  });

  it('says the bot needs AcrPull on the source registry when ARM refuses the linked scope (403)', async () => {
    h = await startAciHarness();
    h.azure.acr.denyPull('contosostg');
    const res = await h.command('promote --image web:v1 --from staging --to prod', { command: '/acr', userId: ids.admin, channelId: aci.prdChannel });
    const id = /`(j[0-9a-z]{12})`/.exec(ackText(res))![1]!;
    await waitForCard(h, aci.prdChannel, id, 'Failed');
    expect(cardText(h, aci.prdChannel, id)).toContain('may not pull images from the source registry');
    // What to do next comes in the thread, with the exact scope to grant.
    await h.slack.waitFor(() => JSON.stringify(h!.slack.calls).includes(`--role AcrPull --scope ${stgRegistryId}`), 10_000);
    expect(h.azure.registryData.digestOf('contosoprd', 'web', 'v1')).toBe(digests['contosoprd/web:v1']);
  });
});

describe('/aci promote of a commit-triggered build', () => {
  it('names the commit ACR built the running digest from, on the promotion card and on the approval card', async () => {
    h = await startAciHarness();
    // A task in staging's registry that builds on every commit, created with the real SDK as /acr task create would.
    const clientId = 'a1b2c3d4-0000-4000-8000-0000000c0ffe';
    h.azure.identity.addClient(ids.tenant, clientId, 'promote-e2e-secret');
    const credential = new ClientSecretCredential(ids.tenant, clientId, 'promote-e2e-secret', { authorityHost: h.azure.url, disableInstanceDiscovery: true });
    const client = new ContainerRegistryManagementClient(credential, aci.stgSub, { endpoint: h.azure.url });
    const repositoryUrl = 'https://github.com/contoso/web';
    await client.tasks.beginCreateAndWait(
      'rg-stg',
      'contosostg',
      'buildweb',
      {
        location: 'westeurope',
        platform: { os: 'Linux', architecture: 'amd64' },
        step: { type: 'Docker', contextPath: `${repositoryUrl}.git#main`, dockerFilePath: 'Dockerfile', imageNames: ['web:{{.Run.ID}}'], isPushEnabled: true },
        trigger: {
          sourceTriggers: [
            {
              name: 'commits',
              sourceRepository: {
                sourceControlType: 'Github',
                repositoryUrl,
                branch: 'main',
                sourceControlAuthProperties: { tokenType: 'PAT', token: 'ghp_promoteE2eToken00001' },
              },
              sourceTriggerEvents: ['commit'],
              status: 'Enabled',
            },
          ],
        },
      },
      { updateIntervalInMs: 20 },
    );
    h.azure.acr.timing.queuedMs = 0;
    h.azure.acr.timing.buildDurationMs = 100;
    const runId = h.azure.acr.triggerCommit('contosostg', 'buildweb', { commitId: '3f2c9ab' });
    const run = await finishedRun(client, 'rg-stg', 'contosostg', runId);
    const built = run.outputImages![0]!;
    await deployed(h, `create -n web --image web:${built.tag}`);

    const jobId = await aciCommand(h, 'promote -n web --from staging --to prod', prd);
    await waitForCard(h, aci.prdChannel, jobId, 'Succeeded');
    expect(cardText(h, aci.prdChannel, jobId)).toContain('commit 3f2c9ab');
    const deployJobId = deployJobOf(h, jobId);
    await waitForDeployCard(h, deployJobId, 'approval.approve');
    expect(deployCardText(h, deployJobId)).toContain(`web@${built.digest}, built from commit 3f2c9ab`);
    expect(h.azure.acr.imports('contosoprd')).toMatchObject([{ sourceImage: `web@${built.digest}`, targetTags: [`web:${built.tag}`] }]);
  });
});
