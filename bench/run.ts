/**
 * `npm run bench`: prints the product's performance figures. Uses the Redis at REDIS_URL
 * (database 10, emptied first) or a private redis-server. Figures, not assertions.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { EMULATOR_TRUST_FLAG, writeTrustBundle } from '../test/emulators/azure/ca.ts';
import { redisReachable, startOwnRedis } from '../test/helpers/redis-server.ts';
import { ackLatencyBench } from './ack-latency.ts';
import { ackUnderLoadBench } from './ack-under-load.ts';
import { approvalLatencyBench } from './approval-latency.ts';
import { expiryScanBench } from './expiry-scan.ts';
import { buildsFollowedBench } from './builds-followed.ts';
import { redactionBench } from './redaction.ts';
import { busyChannelBench, stormBench } from './slack-delivery.ts';
import { taskWatchBench } from './task-watch.ts';

const root = resolve(import.meta.dirname, '..');
if (process.env[EMULATOR_TRUST_FLAG] !== '1') {
  const bundle = writeTrustBundle(join(root, 'test', '.certs'));
  const child = spawn(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [EMULATOR_TRUST_FLAG]: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const only = process.argv[2];
  const base = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const own = (await redisReachable(base)) ? undefined : await startOwnRedis();
  const url = new URL(own?.url ?? base);
  url.pathname = '/10';
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  if (!only || only === 'ack') {
    const ack = await ackLatencyBench(url.toString());
    console.log('\nAck latency: 2,000 signed slash commands, 100 concurrent (after 200 warm-up)');
    for (const [name, r] of Object.entries(ack.results)) console.log(`  ${name.padEnd(18)} p50 ${fmt(r.p50)}  p99 ${fmt(r.p99)}  (${r.statuses})`);
    console.log(
      `  p99 ratio bot/bare: ${ack.ratioP99.toFixed(2)} (target ≤ 1.2); p50 ratio ${ack.ratioP50.toFixed(2)}; jobs durably queued: ${ack.jobsQueued}/${ack.total}`,
    );
  }
  if (!only || only === 'ack-load') {
    const r = await ackUnderLoadBench(url.toString(), { builds: Number(process.env.BENCH_LOAD_BUILDS ?? 500), total: 2000, concurrency: 100, warmup: 200 });
    console.log(
      `\nAck under load: 2,000 signed slash commands, 100 concurrent (after 200 warm-up), against the all-in-one install (npm start) while it follows ${r.following} builds`,
    );
    for (const [name, f] of Object.entries(r.results)) console.log(`  ${name.padEnd(20)} p50 ${fmt(f.p50)}  p99 ${fmt(f.p99)}  (${f.statuses})`);
    console.log(`  p99 ratio install/bare Bolt: ${r.ratioP99.toFixed(2)} (target ≤ 1.3); p50 ratio ${r.ratioP50.toFixed(2)}`);
  }
  if (!only || only === 'builds') {
    const b = await buildsFollowedBench(url.toString(), {
      builds: Number(process.env.BENCH_BUILDS ?? 500),
      buildSeconds: Number(process.env.BENCH_BUILD_SECONDS ?? 60),
    });
    console.log(`\nFollowing ${b.builds} concurrent ${b.buildSeconds}-second builds with one worker process`);
    console.log(`  worker RSS: peak ${b.peakRssMb.toFixed(0)} MB (target ≤ 250 MB)`);
    console.log(
      `  ARM requests: ${b.armRequests} over ${b.buildMinutes.toFixed(1)} build-minutes = ${b.armPerBuildMinute.toFixed(2)} per build-minute (target ≤ 2); by operation: ${b.armByOp}`,
    );
    console.log(`  Slack calls per build: ${b.slackPerBuild.toFixed(2)} vs state changes + log batches ${b.budgetPerBuild.toFixed(2)} (target: ≤)`);
    console.log(`  all builds finished: ${b.finished}/${b.builds} in ${b.wallSeconds.toFixed(0)} s`);
  }
  if (!only || only === 'slack') {
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const b = await busyChannelBench(url.toString(), { builds: Number(process.env.BENCH_BUSY_BUILDS ?? 40), buildSeconds: 10 });
    console.log(
      `\nBusy channel: ${b.builds} ten-second builds started at once in one channel, Slack's limits emulated (1 post/s per channel after a burst of 10, chat.update 50/min)`,
    );
    console.log(
      `  final card shown after the run ended: p50 ${sec(b.p50)}  p99 ${sec(b.p99)}  max ${sec(b.max)} (goal p99 ≤ 10 s)${b.delivered ? '' : ' — NOT ALL DELIVERED'}`,
    );
    console.log(`  Slack calls per build: ${b.callsPerBuild.toFixed(2)} (${b.byMethod}); 429 answers: ${b.rejected429}`);
    const s = await stormBench(url.toString(), { builds: Number(process.env.BENCH_STORM_BUILDS ?? 200), channels: 10, buildSeconds: 15, windowMs: 20_000 });
    console.log(
      `\nStorm: ${s.builds} builds in ${s.channels} channels; every post and edit answers 429 for 20 s while ${s.deleted} cards are deleted at random`,
    );
    console.log(`  every final state shown ${s.afterWindowSeconds.toFixed(1)} s after the 429 window ended${s.delivered ? '' : ' — NOT ALL DELIVERED'}`);
    console.log(
      `  Slack calls per build: ${s.callsPerBuild.toFixed(2)} (${s.byMethod}); 429 answers: ${s.rejected429}; message_not_found: ${s.messageNotFound}`,
    );
  }
  if (!only || only === 'approvals') {
    const a = await approvalLatencyBench(url.toString(), { deploys: Number(process.env.BENCH_APPROVALS ?? 50) });
    console.log(`\nApproval click → container group PUT, ${a.waiting} deploys approved at once (${a.puts} PUTs)`);
    console.log(`  p50 ${fmt(a.p50)}  p99 ${fmt(a.p99)}  max ${fmt(a.max)} (target p99 < 1000 ms)`);
  }
  if (!only || only === 'scan') {
    const s = await expiryScanBench(url.toString(), { apps: Number(process.env.BENCH_SCAN_APPS ?? 10_000) });
    console.log(`\nCredential expiry scan of ${s.apps} app registrations`);
    console.log(
      `  ${s.graphRequests} Graph requests (target ≤ 11), ${(s.ms / 1000).toFixed(2)} s (target < 5 s); ${s.alerted} secrets alerted in ${s.cards} message`,
    );
  }
  if (!only || only === 'task-watch') {
    const w = await taskWatchBench(url.toString(), { tasks: 20, runsPerHour: 100, minutes: Number(process.env.BENCH_WATCH_MINUTES ?? 3) });
    console.log(`\nWatching ${w.tasks} ACR tasks of one registry, commits pushed at ${w.runsPerHour} runs an hour, ${w.workers} workers, ${w.minutes} min`);
    console.log(
      `  ARM calls per registry per minute for watching (runs.list): ${w.looksPerMinute.toFixed(2)} (target ≤ 2); all ARM calls on the registry, following the runs included: ${w.armPerMinute.toFixed(2)}`,
    );
    console.log(`  runs announced exactly once: ${w.announcedOnce}/${w.runs}`);
  }
  if (!only || only === 'redaction') {
    const r = redactionBench();
    console.log('\nRedaction of build logs (every Slack post, log line and audit record goes through it)');
    console.log(`  256 KB batch: p50 ${fmt(r.batchP50)}  p99 ${fmt(r.batchP99)}; 5 MB log: ${fmt(r.fullMs)} (${r.fullMbPerSecond.toFixed(0)} MB/s)`);
    console.log(`  hostile inputs: ${r.hostile.map((h) => `${h.name} ${h.kb} KB ${fmt(h.ms)}`).join('; ')}`);
  }
  await own?.stop();
  process.exit(0);
}
