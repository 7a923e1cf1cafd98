/**
 * Slack delivery under Slack's own limits, which the emulator enforces (about 1 message per second
 * per channel after a burst of 10; chat.update 50 a minute for the workspace):
 * - busy channel: 40 ten-second builds started at once in one channel. How long after its run
 *   ended each build's final card is shown (p50, p99), and Slack calls per build.
 * - storm: 200 builds over 10 channels. While every post and card edit answers 429 for 20 s, cards
 *   are deleted at random. Slack calls per build, and the time from the end of the 429 window
 *   until every final state is shown.
 * Bot and workers run as their own processes; emulators run here.
 */
import { Redis } from 'ioredis';
import { startAzureEmulator } from '../test/emulators/azure/index.ts';
import { startSlackEmulator, type SlackEmulator } from '../test/emulators/slack/index.ts';
import { fireCommands, percentile, startBuildProduct } from './lib.ts';

const source = 'https://github.com/org/app.git#main';
const image = (i: number) => `app${i}:v1`;

/** When the call that first showed build `i` as finished reached Slack (ms), if one did. */
function finalShownAt(slack: SlackEmulator, i: number): number | undefined {
  const tag = image(i);
  const shown = slack.calls.find(
    (c) =>
      c.ok === true &&
      (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
      JSON.stringify(c.args.blocks ?? c.args.text ?? '').includes(tag) &&
      /Succeeded|Failed/.test(JSON.stringify(c.args.blocks ?? c.args.text ?? '')),
  );
  return shown?.time;
}

function runEndedAt(azure: Awaited<ReturnType<typeof startAzureEmulator>>, i: number): number | undefined {
  const run = azure.acr.runs().find((r) => r.properties.outputImages?.some((o) => o.repository === `app${i}`));
  return run?.properties.finishTime ? Date.parse(run.properties.finishTime) : undefined;
}

function callsByMethod(slack: SlackEmulator): string {
  const by = new Map<string, number>();
  for (const c of slack.calls) by.set(c.method, (by.get(c.method) ?? 0) + 1);
  return [...by]
    .filter(([m]) => m !== 'auth.test')
    .map(([m, n]) => `${m}×${n}`)
    .join(', ');
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  return done();
}

async function setUp(redisUrl: string, buildSeconds: number, channels: string[], workers: number) {
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  redis.disconnect();
  const slack = await startSlackEmulator();
  const azure = await startAzureEmulator({ queuedMs: 1000, buildDurationMs: buildSeconds * 1000, logLineIntervalMs: 1000 });
  const product = await startBuildProduct({ redisUrl, slack, azure, channels, workers, env: { CHATOPS_POLL_INTERVAL_MS: '2000' } });
  return { slack, azure, product };
}

export async function busyChannelBench(redisUrl: string, opts: { builds: number; buildSeconds: number }) {
  const { slack, azure, product } = await setUp(redisUrl, opts.buildSeconds, ['C0BUSY'], 1);
  await fireCommands(product.url, product.secret, {
    total: opts.builds,
    concurrency: opts.builds,
    text: (i) => `build -t ${image(i)} ${source}`,
    channelId: 'C0BUSY',
    responseUrl: () => slack.responseUrl(),
  });
  const all = Array.from({ length: opts.builds }, (_, i) => i);
  const delivered = await waitUntil(() => all.every((i) => finalShownAt(slack, i) !== undefined), (opts.buildSeconds + 240) * 1000);
  const lags = all
    .map((i) => (finalShownAt(slack, i) ?? Date.now()) - (runEndedAt(azure, i) ?? Date.now()))
    .map((ms) => Math.max(0, ms))
    .sort((a, b) => a - b);
  const calls = slack.calls.filter((c) => c.method !== 'auth.test');
  const result = {
    builds: opts.builds,
    delivered,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags.at(-1)!,
    callsPerBuild: calls.length / opts.builds,
    byMethod: callsByMethod(slack),
    rejected429: calls.filter((c) => c.status === 429).length,
  };
  await product.stop();
  await slack.close();
  await azure.close();
  return result;
}

export async function stormBench(redisUrl: string, opts: { builds: number; channels: number; buildSeconds: number; windowMs: number }) {
  const channels = Array.from({ length: opts.channels }, (_, i) => `C0STORM${i}`);
  const { slack, azure, product } = await setUp(redisUrl, opts.buildSeconds, channels, 2);
  const perChannel = Math.ceil(opts.builds / opts.channels);
  await fireCommands(product.url, product.secret, {
    total: opts.builds,
    concurrency: 50,
    text: (i) => `build -t ${image(i)} ${source}`,
    channelId: (i) => channels[Math.floor(i / perChannel)]!,
    responseUrl: () => slack.responseUrl(),
  });
  // Let the cards and the first log lines out, then Slack throttles every post and edit.
  await new Promise((r) => setTimeout(r, 4000));
  slack.rateLimit({ method: 'chat.postMessage', forMs: opts.windowMs, retryAfterSeconds: 5 });
  slack.rateLimit({ method: 'chat.update', forMs: opts.windowMs, retryAfterSeconds: 5 });
  const windowEnd = Date.now() + opts.windowMs;
  let deleted = 0;
  // People delete cards while the window is open: one at random every 250 ms.
  while (Date.now() < windowEnd) {
    const channel = channels[Math.floor(Math.random() * channels.length)]!;
    const cards = slack.messages(channel).filter((m) => m.subtype !== 'tombstone' && /app\d+:v1/.test(JSON.stringify(m.blocks)));
    const victim = cards[Math.floor(Math.random() * cards.length)];
    if (victim) {
      slack.deleteMessage(channel, victim.ts);
      deleted++;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const all = Array.from({ length: opts.builds }, (_, i) => i);
  const delivered = await waitUntil(() => all.every((i) => finalShownAt(slack, i) !== undefined), 600_000);
  const lastFinal = Math.max(...all.map((i) => finalShownAt(slack, i) ?? Date.now()));
  const calls = slack.calls.filter((c) => c.method !== 'auth.test');
  const result = {
    builds: opts.builds,
    channels: opts.channels,
    deleted,
    delivered,
    afterWindowSeconds: Math.max(0, lastFinal - windowEnd) / 1000,
    callsPerBuild: calls.length / opts.builds,
    byMethod: callsByMethod(slack),
    rejected429: calls.filter((c) => c.status === 429).length,
    messageNotFound: calls.filter((c) => c.error === 'message_not_found').length,
  };
  await product.stop();
  await slack.close();
  await azure.close();
  return result;
}
