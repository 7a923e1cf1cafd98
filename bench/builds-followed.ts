/**
 * Follows N concurrent emulator builds of S seconds with one worker process and reports its
 * peak RSS, ARM requests per build-minute and Slack calls per build. The bot (slash commands
 * and the Slack outbox) runs as its own process; emulators run here.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';
import { startSlackEmulator } from '../test/emulators/slack/index.ts';
import { fireCommands, startBuildProduct } from './lib.ts';

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Builds are spread over channels as a team would have them: Slack paces each channel at ~1 message/s. */
const buildsPerChannel = 20;

export async function buildsFollowedBench(redisUrl: string, opts: { builds: number; buildSeconds: number }) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const slack = await startSlackEmulator();
  const azure = await startAzureEmulator({ queuedMs: 1000, buildDurationMs: opts.buildSeconds * 1000, logLineIntervalMs: 2000 });
  const channels = Array.from({ length: Math.ceil(opts.builds / buildsPerChannel) }, (_, i) => `C0DEV${i}`);
  const product = await startBuildProduct({
    redisUrl,
    slack,
    azure,
    channels,
    ...(process.env.BENCH_WORKER_NODE_OPTIONS && { env: { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } }),
  });
  const worker = product.workers[0]!;
  let peakRss = rssMb(worker.child.pid!);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(worker.child.pid!));
  }, 250);

  const started = Date.now();
  const fired = await fireCommands(product.url, product.secret, {
    total: opts.builds,
    concurrency: 50,
    text: (i) => `build -t app${i}:v1 https://github.com/org/app.git#main`,
    channelId: (i) => channels[Math.floor(i / buildsPerChannel)]!,
    responseUrl: () => slack.responseUrl(),
  });
  const cards = () => channels.flatMap((c) => slack.messages(c).map((m) => ({ channel: c, m })));
  const finished = () => cards().filter(({ m }) => /Succeeded|Failed|Canceled|Timed out/.test(JSON.stringify(m.blocks ?? []))).length;
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
  const logBatches = cards().reduce((n, { channel, m }) => n + slack.thread(channel, m.ts).length, 0);
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
  await product.stop();
  await slack.close();
  await azure.close();
  redis.disconnect();
  return result;
}
