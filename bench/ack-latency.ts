/**
 * Ack latency: 2,000 signed slash commands at 100 concurrent, against the product's bot
 * (parse, check, durable enqueue into Redis, ack) and against a bare Bolt app that only
 * acks, in the same run on the same machine. Prints p50/p99 of each and the ratio.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { fireCommands, percentile, spawnTs } from './lib.ts';

export async function ackLatencyBench(redisUrl: string, opts = { total: 2000, concurrency: 100, warmup: 200 }) {
  const token = 'xoxb-bench-token';
  const secret = 'bench-signing-secret';
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const slack = await spawnTs('bench/slack-emulator-process.ts', { SLACK_BOT_TOKEN: token }, /slack emulator (\S+) control (\S+)/);
  const apiUrl = slack.match[1]!;
  const dir = mkdtempSync(join(tmpdir(), 'chatops-bench-'));
  const configPath = join(dir, 'chatops.yaml');
  writeFileSync(
    configPath,
    `environments:\n  dev:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n    resourceGroup: rg-dev\n    location: eastus\n    registry: contosodev\n    channels: [C0DEV]\naccess:\n  roles:\n    dev: { builder: ["*"] }\n`,
  );
  const env = { SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: secret, SLACK_API_URL: apiUrl };
  const text = () => 'build -t web:v1 --build-arg A=b https://github.com/org/app.git#main:src';
  const results: Record<string, { p50: number; p99: number; statuses: string }> = {};

  for (const target of ['bare Bolt', 'azure-chatops bot'] as const) {
    const server =
      target === 'bare Bolt'
        ? await spawnTs('bench/bare-bolt.ts', env, /listening on (\d+)/)
        : await spawnTs(
            'src/main.ts',
            {
              ...env,
              CHATOPS_ROLE: 'bot',
              REDIS_URL: redisUrl,
              CHATOPS_CONFIG: configPath,
              PORT: '0',
              LOG_LEVEL: 'info',
              ...(process.env.BENCH_BOT_NODE_OPTIONS && { NODE_OPTIONS: process.env.BENCH_BOT_NODE_OPTIONS }),
            },
            /"port":(\d+)/,
          );
    const url = `http://127.0.0.1:${server.match[1]}/slack/events`;
    await fireCommands(url, secret, { total: opts.warmup, concurrency: opts.concurrency, text, responseUrl: `${apiUrl}../response/bench` });
    const { latencies, statuses } = await fireCommands(url, secret, {
      total: opts.total,
      concurrency: opts.concurrency,
      text,
      responseUrl: `${apiUrl}../response/bench`,
    });
    results[target] = {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
    };
    await server.stop();
  }
  await slack.stop();
  const jobs = (await redis.keys('chatops:jobs:j*')).length;
  redis.disconnect();
  const bare = results['bare Bolt']!;
  const bot = results['azure-chatops bot']!;
  return { results, ratioP99: bot.p99 / bare.p99, ratioP50: bot.p50 / bare.p50, jobsQueued: jobs, total: opts.total + opts.warmup };
}
