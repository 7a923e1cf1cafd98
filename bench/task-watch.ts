/**
 * The task watcher's ARM cost: 20 watched tasks of one registry, commits pushed at 100 runs an
 * hour, two worker processes (the product as it ships, 30 s between looks), for a few minutes
 * of real time. Counts `runs.list` calls on the registry per minute (target ≤ 2), every ARM call
 * on it (following the runs included), and whether every run got exactly one card.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ClientSecretCredential } from '@azure/identity';
import { Redis } from 'ioredis';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';
import { startSlackEmulator } from '../test/emulators/slack/index.ts';
import { startBuildProduct } from './lib.ts';

const sub = '00000000-0000-0000-0000-000000000001';

export async function taskWatchBench(redisUrl: string, opts: { tasks: number; runsPerHour: number; minutes: number }) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const slack = await startSlackEmulator();
  const azure = await startAzureEmulator({ queuedMs: 1000, buildDurationMs: 20_000, logLineIntervalMs: 2000 });
  const names = Array.from({ length: opts.tasks }, (_, i) => `buildtask${String(i + 1).padStart(2, '0')}`);
  const tasksYaml = `    tasks:\n${names.map((n) => `      ${n}: { channel: C0LOOP }`).join('\n')}\n`;
  const product = await startBuildProduct({ redisUrl, slack, azure, channels: ['C0LOOP'], workers: 2, devExtra: tasksYaml });
  // The tasks, created as /acr task create would (a commit trigger with a token).
  const credential = new ClientSecretCredential('72f988bf-86f1-41af-91ab-2d7cd011db47', 'a1b2c3d4-0000-4000-8000-00000000c11e', 'bench-secret', {
    authorityHost: azure.url,
    disableInstanceDiscovery: true,
  });
  const arm = new ContainerRegistryManagementClient(credential, sub, { endpoint: azure.url });
  for (const name of names) {
    await arm.tasks.beginCreateAndWait(
      'rg-dev',
      'contosodev',
      name,
      {
        location: 'eastus',
        platform: { os: 'Linux' },
        step: { type: 'Docker', contextPath: 'https://github.com/contoso/app.git#main', dockerFilePath: 'Dockerfile', imageNames: [`${name}:{{.Run.ID}}`] },
        trigger: {
          sourceTriggers: [
            {
              name: 'commits',
              sourceRepository: {
                sourceControlType: 'Github',
                repositoryUrl: 'https://github.com/contoso/app',
                branch: 'main',
                sourceControlAuthProperties: { tokenType: 'PAT', token: 'ghp_benchToken0001' },
              },
              sourceTriggerEvents: ['commit'],
              status: 'Enabled',
            },
          ],
        },
      },
      { updateIntervalInMs: 50 },
    );
  }
  const isLook = (r: { method: string; path: string }) => r.method === 'GET' && r.path.endsWith('/runs');
  const pushEveryMs = 3_600_000 / opts.runsPerHour;
  const runIds: string[] = [];
  // The window is whole 30 s slots (the watcher's gate is per slot), from the first one after the first look.
  while (!azure.acr.armRequests('contosodev').some(isLook)) await new Promise((r) => setTimeout(r, 200));
  const first = azure.acr.armRequests('contosodev').find(isLook)!.at.getTime();
  const start = new Date(Math.ceil(first / 30_000) * 30_000);
  const end = new Date(start.getTime() + opts.minutes * 60_000);
  let i = 0;
  while (Date.now() < end.getTime()) {
    runIds.push(azure.acr.triggerCommit('contosodev', names[i % names.length]!, { commitId: `c0${String(i).padStart(6, '0')}` }));
    i++;
    await new Promise((r) => setTimeout(r, Math.min(pushEveryMs, Math.max(0, end.getTime() - Date.now()))));
  }
  const inWindow = azure.acr.armRequests('contosodev', { since: start, until: new Date(end.getTime() - 1) });
  // Announced runs still finish after the window: wait for their cards, then count them.
  const cardsOf = (runId: string) => slack.messages('C0LOOP').filter((m) => JSON.stringify(m.blocks ?? []).includes(`\`${runId}\``)).length;
  const deadline = Date.now() + 120_000;
  while (runIds.some((id) => cardsOf(id) === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  await new Promise((r) => setTimeout(r, 2000));
  const result = {
    tasks: opts.tasks,
    runsPerHour: opts.runsPerHour,
    minutes: opts.minutes,
    workers: product.workers.length,
    looksPerMinute: inWindow.filter(isLook).length / opts.minutes,
    armPerMinute: inWindow.length / opts.minutes,
    runs: runIds.length,
    announcedOnce: runIds.filter((id) => cardsOf(id) === 1).length,
  };
  await product.stop();
  await slack.close();
  await azure.close();
  redis.disconnect();
  return result;
}
