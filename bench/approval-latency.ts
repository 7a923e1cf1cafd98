/**
 * Approval click → deploy PUT: 50 deploys wait for approval in a protected environment, then
 * an approver approves all of them at once. For each, the time from sending the click to the
 * emulator receiving the container group PUT. Bot and worker run as their own processes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';
import { startSlackEmulator } from '../test/emulators/slack/index.ts';
import { blockActionsBody, postSigned } from '../test/helpers/slack-requests.ts';
import { fireCommands, percentile, spawnTs } from './lib.ts';

const sub = '11111111-1111-4111-8111-111111111111';
const approver = 'U0APPROVER';

export async function approvalLatencyBench(redisUrl: string, opts: { deploys: number }) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const token = 'xoxb-bench-token';
  const secret = 'bench-signing-secret';
  const slack = await startSlackEmulator();
  slack.addToken(token, { teamId: 'T0TEAM', botUserId: 'U0BOT', appId: 'A0CHATOPS' });
  const azure = await startAzureEmulator();
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
  azure.identity.addClient(tenant, client, 'bench-secret');
  const loginServer = azure.registryData.endpoint('contosoprod').replace(/^https:\/\//, '');
  azure.acr.addRegistry({ subscriptionId: sub, resourceGroup: 'rg-prod', name: 'contosoprod', loginServer });
  azure.registryData.pushTag('contosoprod', 'web', 'v1');
  azure.aci.addResourceGroup(sub, 'rg-prod', 'westeurope');
  azure.aci.allowImagesFrom(loginServer.split('/')[0]!);
  // Long enough that all deploys are in flight together.
  azure.aci.timing.provisionMs = 20_000;

  const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
  const configPath = join(dir, 'chatops.yaml');
  writeFileSync(
    configPath,
    `environments:\n  prod:\n    subscriptionId: ${sub}\n    resourceGroup: rg-prod\n    location: westeurope\n    registry: contosoprod\n    channels: [C0PROD]\n    approval: { approvers: [${approver}], required: 1, expiresAfter: 1h }\naccess:\n  roles:\n    prod: { deployer: ["*"] }\n`,
  );
  const env = {
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redisUrl,
    CHATOPS_CONFIG: configPath,
    AZURE_TENANT_ID: tenant,
    AZURE_CLIENT_ID: client,
    AZURE_CLIENT_SECRET: 'bench-secret',
    AZURE_AUTHORITY_HOST: azure.url,
    AZURE_RESOURCE_MANAGER_ENDPOINT: azure.url,
    CHATOPS_POLL_INTERVAL_MS: '2000',
    LOG_LEVEL: 'info',
  };
  const bot = await spawnTs('src/main.ts', { ...env, CHATOPS_ROLE: 'bot', PORT: '0' }, /"port":(\d+)/);
  const worker = await spawnTs('src/main.ts', { ...env, CHATOPS_ROLE: 'worker', PORT: '0' }, /job worker started/);
  const url = `http://127.0.0.1:${bot.match[1]}/slack/events`;

  await fireCommands(url, secret, {
    total: opts.deploys,
    concurrency: 25,
    command: '/aci',
    channelId: 'C0PROD',
    text: (i) => `create -n app${i} --image web:v1`,
    responseUrl: slack.responseUrl('bench'),
  });
  const waiting = () => slack.messages('C0PROD').filter((m) => JSON.stringify(m.blocks ?? []).includes('approval.approve'));
  const deadline = Date.now() + 120_000;
  while (waiting().length < opts.deploys && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const cards = waiting();
  // Let every job settle into its durable wait before the clicks arrive.
  await new Promise((r) => setTimeout(r, 1000));

  const sentAt = new Map<string, number>();
  await Promise.all(
    cards.map(async (card) => {
      const jobId = /"value":"(j[0-9a-z]{12})"/.exec(JSON.stringify(card.blocks))![1]!;
      const name = /Deploy (app\d+)/.exec(JSON.stringify(card.blocks))![1]!;
      const body = blockActionsBody({
        userId: approver,
        teamId: 'T0TEAM',
        apiAppId: 'A0CHATOPS',
        channelId: 'C0PROD',
        messageTs: card.ts,
        actionId: 'approval.approve',
        value: jobId,
        responseUrl: slack.responseUrl('bench-click'),
      });
      sentAt.set(name, Date.now());
      await postSigned(url, body, { secret });
    }),
  );
  const putDeadline = Date.now() + 60_000;
  while (azure.aci.puts().length < cards.length && Date.now() < putDeadline) await new Promise((r) => setTimeout(r, 100));
  const latencies = azure.aci
    .puts()
    .filter((p) => sentAt.has(p.name))
    .map((p) => p.at.getTime() - sentAt.get(p.name)!)
    .sort((a, b) => a - b);
  const result = {
    deploys: opts.deploys,
    waiting: cards.length,
    puts: azure.aci.puts().length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
  await worker.stop();
  await bot.stop();
  await slack.close();
  await azure.close();
  redis.disconnect();
  return result;
}
