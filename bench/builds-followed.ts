/**
 * Follows N concurrent emulator builds of S seconds with one worker process and reports its
 * peak RSS, ARM requests per build-minute and Slack calls per build. The bot (slash commands
 * and the Slack outbox) runs as its own process; emulators run here.
 */
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';
import { startSlackEmulator } from '../test/emulators/slack/index.ts';
import { fireCommands, spawnTs } from './lib.ts';

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function buildsFollowedBench(redisUrl: string, opts: { builds: number; buildSeconds: number }) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const token = 'xoxb-bench-token';
  const secret = 'bench-signing-secret';
  const slack = await startSlackEmulator();
  slack.addToken(token, { teamId: 'T0TEAM', botUserId: 'U0BOT', appId: 'A0CHATOPS' });
  const azure = await startAzureEmulator({ queuedMs: 1000, buildDurationMs: opts.buildSeconds * 1000, logLineIntervalMs: 2000 });
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
  azure.identity.addClient(tenant, client, 'bench-secret');
  azure.acr.addRegistry({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', name: 'contosodev' });
  const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
  const configPath = join(dir, 'chatops.yaml');
  writeFileSync(configPath, `environments:\n  dev:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n    resourceGroup: rg-dev\n    location: eastus\n    registry: contosodev\n    channels: [C0DEV]\naccess:\n  roles:\n    dev: { builder: ["*"] }\n`);
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
    LOG_LEVEL: 'info',
  };
  const bot = await spawnTs('src/main.ts', { ...env, CHATOPS_ROLE: 'bot', PORT: '0' }, /"port":(\d+)/);
  const worker = await spawnTs(
    'src/main.ts',
    { ...env, CHATOPS_ROLE: 'worker', PORT: '0', LOG_LEVEL: 'info', ...(process.env.BENCH_WORKER_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS }) },
    /job worker started/,
  );
  let peakRss = rssMb(worker.child.pid!);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(worker.child.pid!));
  }, 250);

  const started = Date.now();
  const url = `http://127.0.0.1:${bot.match[1]}/slack/events`;
  const fired = await fireCommands(url, secret, {
    total: opts.builds,
    concurrency: 50,
    text: (i) => `build -t app${i}:v1 https://github.com/org/app.git#main`,
    responseUrl: slack.responseUrl('bench'),
  });
  const finished = () => slack.messages('C0DEV').filter((m) => /Succeeded|Failed|Canceled|Timed out/.test(JSON.stringify(m.blocks ?? []))).length;
  const deadline = Date.now() + (opts.buildSeconds * 1000 + 120_000) * 3;
  while (finished() < opts.builds && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  // Let the outbox drain the last replies before counting.
  await new Promise((r) => setTimeout(r, 3000));
  const wallSeconds = (Date.now() - started) / 1000;
  clearInterval(sampler);

  const arm = azure.requests.filter((r) => r.path.startsWith('/subscriptions/'));
  const byOp = new Map<string, number>();
  for (const r of arm) {
    const op = `${r.method} ${r.path.replace(/.*\/registries\/[^/]+/, '').replace(/\/runs\/[^/]+/, '/runs/{id}') || '/'}`;
    byOp.set(op, (byOp.get(op) ?? 0) + 1);
  }
  const slackCalls = slack.calls.filter((c) => c.method !== 'auth.test');
  const cards = slack.messages('C0DEV');
  const logBatches = cards.reduce((n, m) => n + slack.thread('C0DEV', m.ts).length, 0);
  const stateChanges = 3; // queued → running → finished
  const result = {
    builds: opts.builds,
    buildSeconds: opts.buildSeconds,
    accepted: fired.statuses.get(200) ?? 0,
    finished: finished(),
    wallSeconds,
    peakRssMb: peakRss,
    armRequests: arm.length,
    armByOp: [...byOp].map(([k, v]) => `${k}×${v}`).join(', '),
    buildMinutes: (opts.builds * opts.buildSeconds) / 60,
    armPerBuildMinute: arm.length / ((opts.builds * opts.buildSeconds) / 60),
    slackPerBuild: slackCalls.length / opts.builds,
    budgetPerBuild: stateChanges + logBatches / opts.builds,
  };
  await worker.stop();
  await bot.stop();
  await slack.close();
  await azure.close();
  redis.disconnect();
  return result;
}
