/**
 * The delivery loop end to end: `/acr task create` (commit trigger, token from Key Vault), a
 * commit "pushed" to the emulated ACR, the run announced once in the task's channel and followed
 * to its final card like `/acr build`, then its digest deployed to the dev container group through
 * the normal deploy job. A restart of the worker while runs are going neither misses nor repeats
 * a card. The watcher looks every 400 ms here (30 s in production).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { announcedJobId } from '../../../jobs/task-watch.ts';
import { taskDeployJobId } from '../../../jobs/task-deploy.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { ids, startHarness, type Harness, type HarnessOptions } from '../../helpers/harness.ts';
import { cardOf, finished, reg, run, threadText } from './setup.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const WATCH_MS = 400;
const registryKey = `${ids.subscription}/rg-dev/contosodev`;
const GIT = 'https://github.com/org/app.git';
const CREATE = `task create --name buildwebapp --image webimage:{{.Run.ID}} --context ${GIT} --branch main --git-access-token @kv:${reg.patSecret}`;

function yaml(azure: AzureEmulator, tasks = `    tasks:\n      buildwebapp: { channel: ${ids.devChannel}, deploy: { group: web } }\n`): string {
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
    gitAccessTokens: { ${reg.patSecret}: [github.com] }
${tasks}access:
  admins: [${ids.admin}]
  team: { id: ${ids.team}, appId: ${ids.app} }
  roles:
    dev: { builder: [${ids.devs}], deployer: [${ids.devs}], viewer: ["*"] }
`;
}

function startLoopHarness(options: HarnessOptions = {}): Promise<Harness> {
  return startHarness({
    registries: 'emulator',
    azure: { queuedMs: 100, buildDurationMs: 1200, logLineIntervalMs: 60 },
    env: { CHATOPS_TASK_WATCH_MS: String(WATCH_MS) },
    ...options,
    setup(azure) {
      azure.keyVault.addVault('kv-dev', ids.tenant);
      azure.keyVault.setSecret('kv-dev', reg.patSecret, reg.pat);
      azure.aci.addResourceGroup(ids.subscription, 'rg-dev', 'eastus');
      azure.aci.allowImagesFrom(
        azure.registryData
          .endpoint('contosodev')
          .replace(/^https:\/\//, '')
          .split('/')[0]!,
      );
      azure.registryData.pushTag('contosodev', 'webimage', 'v1');
      azure.aci.timing.provisionMs = 200;
    },
    yaml: options.yaml ?? ((azure) => yaml(azure)),
  });
}

/** Every card in the dev channel that names `runId` as its run. */
function cardsOfRun(harness: Harness, runId: string) {
  return harness.slack.messages(ids.devChannel).filter((m) => JSON.stringify(m.blocks ?? []).includes(`\`${runId}\``));
}

/** `runs.list` calls the watcher made against the dev registry. */
function looks(harness: Harness, since?: Date) {
  return harness.azure.acr.armRequests('contosodev', since ? { since } : {}).filter((r) => r.method === 'GET' && r.path.endsWith('/runs'));
}

describe('the delivery loop: push → announced run → dev deploy', () => {
  it('announces a pushed commit once, follows it to its final card and deploys its digest to dev', async () => {
    h = await startLoopHarness();
    await finished(h, await run(h, CREATE));
    // The group runs something already: the loop repeats its last deploy with the new digest.
    const initial = await h.command('create -n web --image webimage:v1 --dns-name-label contoso-web', { command: '/aci' });
    const initialJob = /`(j[0-9a-z]{12})`/.exec((initial.json as { text: string }).text)![1]!;
    await finished(h, initialJob);

    // A run the bot starts itself gets its own card only.
    const ownJob = await run(h, 'task run --name buildwebapp');
    await finished(h, ownJob);

    const since = new Date();
    const runId = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: '3f2a9c1e77d0' });
    const jobId = announcedJobId(ids.team, registryKey, runId);
    const card = await finished(h, jobId, 30_000);
    expect(card).toContain('Task buildwebapp: commit 3f2a9c1e77d0');
    expect(card).toContain('commit 3f2a9c1e77d0 on main');
    expect(card).toContain(`ACR run ${runId} succeeded`);
    const pushed = new RegExp(`webimage:${runId}@(sha256:[0-9a-f]{64})`).exec(card)?.[1];
    expect(pushed, card).toBeDefined();
    // Followed like /acr build: the live log in the thread.
    expect(threadText(h, jobId)).toMatch(/Step 1\/\d/);

    const deployJob = taskDeployJobId(ids.team, jobId);
    const deployed = await finished(h, deployJob, 30_000);
    expect(deployed).toContain(`run ${runId} of task buildwebapp, commit 3f2a9c1e77d0`);
    expect(deployed).toContain('Commit 3f2a9c1e77d0 of buildwebapp is running in web (dev)');
    expect(deployed).toContain('Succeeded');
    const put = h.azure.aci.puts('web').at(-1)!;
    expect(JSON.stringify(put.body)).toContain(`/webimage@${pushed}`);
    // The rest of the group is the last deploy's (its DNS label).
    expect(JSON.stringify(put.body)).toContain('contoso-web');
    expect(threadText(h, jobId)).toContain(`job ${deployJob}`);

    // Once: one card per run, none for the bot's own run beyond its own.
    await new Promise((r) => setTimeout(r, WATCH_MS * 3));
    expect(cardsOfRun(h, runId)).toHaveLength(1);
    const ownRun = h.azure.acr.runs('contosodev').find((r) => r.properties.runType === 'QuickRun')!.properties.runId;
    expect(cardsOfRun(h, ownRun)).toHaveLength(1);
    expect(JSON.stringify(cardOf(h, ownJob)?.blocks)).toContain('Run task buildwebapp');

    // One runs.list per interval at most (the gate is one look per slot), whatever else happened.
    const calls = looks(h, since);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil((Date.now() - since.getTime()) / WATCH_MS) + 1);
    expect(looks(h, since).every((r) => r.query.$filter === "TaskName eq 'buildwebapp'")).toBe(true);
  });

  it('a restart of the worker while runs are going neither misses nor repeats a card', async () => {
    h = await startLoopHarness({ worker: 'child' });
    await finished(h, await run(h, CREATE));
    const before = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: 'aaaa1111' });
    const beforeJob = announcedJobId(ids.team, registryKey, before);
    await h.slack.waitFor(() => cardOf(h!, beforeJob) !== undefined, 15_000);
    await h.killWorker();
    // Pushed while no worker runs: announced after the restart, not lost.
    const during = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: 'bbbb2222' });
    await h.startWorker();
    const after = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: 'cccc3333' });
    for (const runId of [before, during, after]) {
      const card = await finished(h, announcedJobId(ids.team, registryKey, runId), 30_000);
      expect(card).toContain(`ACR run ${runId} succeeded`);
    }
    await new Promise((r) => setTimeout(r, WATCH_MS * 3));
    for (const runId of [before, during, after]) expect(cardsOfRun(h, runId)).toHaveLength(1);
    // No deploy without a first one to repeat: the thread says how to start the loop.
    expect(threadText(h, beforeJob)).toContain('I know no deploy of web in dev');
  });
});

describe('/acr task subscribe', () => {
  it('announces a subscribed task in the channel it names, for builders only, until unsubscribed; the config wins', async () => {
    h = await startLoopHarness({ yaml: (azure) => yaml(azure, `    tasks:\n      configured1: { channel: ${ids.devChannel} }\n`) });
    await finished(h, await run(h, CREATE));
    const refused = await h.command('task subscribe --name buildwebapp --channel <#C0WEB|web-dev>', { userId: ids.carol });
    expect(JSON.stringify(refused.json)).toContain('builder');
    const reply = JSON.stringify((await h.command('task subscribe --name buildwebapp --channel <#C0WEB|web-dev>')).json);
    expect(reply).toContain('will be announced in <#C0WEB>');
    const stored = await h.redis.hgetall('chatops:task-watch:subscriptions');
    expect(Object.values(stored).map((v) => JSON.parse(v) as { task: string; channel: string; subscribedBy: string })).toEqual([
      expect.objectContaining({ task: 'buildwebapp', channel: 'C0WEB', subscribedBy: ids.alice }),
    ]);

    const runId = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: 'dddd4444' });
    const jobId = announcedJobId(ids.team, registryKey, runId);
    await h.slack.waitFor(() => h!.slack.messages('C0WEB').some((m) => JSON.stringify(m.blocks ?? []).includes(jobId)), 20_000);
    expect(cardOf(h, jobId)).toBeUndefined(); // not in the dev channel

    expect(JSON.stringify((await h.command('task unsubscribe --name configured1')).json)).toContain('the config wins, so nothing changed');
    expect(JSON.stringify((await h.command('task unsubscribe --name buildwebapp')).json)).toContain('no longer announced in <#C0WEB>');
    expect(await h.redis.hlen('chatops:task-watch:subscriptions')).toBe(0);
    const later = h.azure.acr.triggerCommit('contosodev', 'buildwebapp', { commitId: 'eeee5555' });
    await new Promise((r) => setTimeout(r, WATCH_MS * 4));
    expect(h.slack.messages('C0WEB').filter((m) => JSON.stringify(m.blocks ?? []).includes(`\`${later}\``))).toHaveLength(0);
  });
});
