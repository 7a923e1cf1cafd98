/**
 * Ack under load: 2,000 signed slash commands at 100 concurrent against the all-in-one install
 * (`npm start` as shipped: the supervisor with the bot and the worker as child processes) while
 * it follows 500 builds, beside a bare Bolt app that only acks, measured in alternating rounds
 * in the same run on the same machine. Emulators run in processes of their own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../test/helpers/redis-server.ts';
import { fireCommands, percentile, spawnTs } from './lib.ts';

export interface AckFigures {
  p50: number;
  p99: number;
  statuses: string;
}

export async function ackUnderLoadBench(redisUrl: string, opts = { builds: 500, total: 2000, concurrency: 100, warmup: 200 }) {
  const token = 'xoxb-bench-token';
  const secret = 'bench-signing-secret';
  const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const client = 'a1b2c3d4-0000-4000-8000-00000000c11e';
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const slack = await spawnTs('bench/slack-emulator-process.ts', { SLACK_BOT_TOKEN: token }, /slack emulator (\S+) control (\S+)/);
  const azure = await spawnTs(
    'bench/azure-emulator-process.ts',
    { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: 'bench-secret' },
    /azure emulator (\S+) control (\S+)/,
  );
  // The emulators stand in for Slack and Azure, whose work happens on their machines, not ours:
  // on a small machine they must not take the CPU from the processes being measured.
  for (const emulator of [slack, azure]) setPriority(emulator.child.pid!, 15);
  const apiUrl = slack.match[1]!;
  const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
  const configPath = join(dir, 'chatops.yaml');
  writeFileSync(
    configPath,
    `environments:\n  dev:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n    resourceGroup: rg-dev\n    location: eastus\n    registry: contosodev\n    channels: [C0DEV]\naccess:\n  roles:\n    dev: { builder: ["*"] }\n`,
  );
  const env = { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: secret, SLACK_API_URL: apiUrl };
  const responseUrl = `${apiUrl}../response/bench`;
  const text = () => 'build -t web:v1 --build-arg A=b https://github.com/org/app.git#main:src';
  // The machine is shared (CI, other jobs): its load moves by the second. Both targets are
  // measured in alternating rounds of 500, so each sees the same conditions on average.
  const measureSideBySide = async (urls: Record<'bare' | 'install', string>, rounds = 4): Promise<Record<'bare' | 'install', AckFigures>> => {
    const latencies = { bare: [] as number[], install: [] as number[] };
    const statuses = { bare: new Map<number, number>(), install: new Map<number, number>() };
    for (const target of ['bare', 'install'] as const)
      await fireCommands(urls[target], secret, { total: opts.warmup, concurrency: opts.concurrency, text, responseUrl });
    for (let round = 0; round < rounds; round++) {
      for (const target of round % 2 === 0 ? (['bare', 'install'] as const) : (['install', 'bare'] as const)) {
        const r = await fireCommands(urls[target], secret, { total: opts.total / rounds, concurrency: opts.concurrency, text, responseUrl });
        latencies[target].push(...r.latencies);
        for (const [status, n] of r.statuses) statuses[target].set(status, (statuses[target].get(status) ?? 0) + n);
      }
    }
    const figures = (target: 'bare' | 'install'): AckFigures => {
      const sorted = latencies[target].sort((x, y) => x - y);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), statuses: [...statuses[target]].map(([st, n]) => `${st}×${n}`).join(' ') };
    };
    return { bare: figures('bare'), install: figures('install') };
  };

  const bare = await spawnTs('bench/bare-bolt.ts', env, /listening on (\d+)/);
  const bareUrl = `http://127.0.0.1:${bare.match[1]}/slack/events`;

  const port = await freePort();
  const install = await spawnTs(
    'src/main.ts',
    {
      ...env,
      CHATOPS_ROLE: 'all',
      REDIS_URL: redisUrl,
      CHATOPS_CONFIG: configPath,
      PORT: String(port),
      LOG_LEVEL: 'info',
      AZURE_TENANT_ID: tenant,
      AZURE_CLIENT_ID: client,
      AZURE_CLIENT_SECRET: 'bench-secret',
      AZURE_AUTHORITY_HOST: azure.match[1]!,
      AZURE_RESOURCE_MANAGER_ENDPOINT: azure.match[1]!,
    },
    /supervisor started/,
  );
  await untilHealthy(port);
  const installUrl = `http://127.0.0.1:${port}/slack/events`;
  // 500 builds requested in a burst, then wait until every one is running (scheduled in ACR).
  await fireCommands(installUrl, secret, {
    total: opts.builds,
    concurrency: 50,
    text: (i) => `build -t app${i}:v1 https://github.com/org/app.git#main`,
    responseUrl,
  });
  const deadline = Date.now() + 120_000;
  let scheduled = 0;
  while (Date.now() < deadline) {
    scheduled = ((await (await fetch(`${azure.match[2]}/stats`)).json()) as { scheduleRuns: number }).scheduleRuns;
    if (scheduled >= opts.builds) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const measured = await measureSideBySide({ bare: bareUrl, install: installUrl });

  await install.stop();
  await bare.stop();
  await slack.stop();
  await azure.stop();
  redis.disconnect();
  return {
    following: scheduled,
    results: { 'bare Bolt': measured.bare, 'all-in-one install': measured.install },
    ratioP99: measured.install.p99 / measured.bare.p99,
    ratioP50: measured.install.p50 / measured.bare.p50,
  };
}

/** Waits until the install answers /healthz (both children up). */
async function untilHealthy(port: number): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the all-in-one install never became healthy');
}
