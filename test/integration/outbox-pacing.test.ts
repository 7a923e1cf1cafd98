/**
 * A busy channel is a budget to plan: posts are paced per channel by a token bucket in Redis
 * shared by every worker, cards and final states go before log batches, log batches merge while
 * the channel is behind, and waiting flushes do not wake in a herd. Slack's limits are emulated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobCard } from '../../src/core/card.ts';
import { md } from '../../src/core/mrkdwn.ts';
import type { OutboxStore } from '../../src/outbox/outbox-store.ts';
import type { SlackEmulator } from '../emulators/slack/index.ts';
import { startOutboxRig, type OutboxRig } from '../helpers/outbox-rig.ts';

let rig: OutboxRig;
let slack: SlackEmulator;
let store: OutboxStore;

function card(jobId: string, status: JobCard['status']): JobCard {
  return {
    jobId,
    title: `Build ${jobId}`,
    requesterId: 'U0ALICE',
    environment: 'dev',
    status,
    detail: md`${status} ${jobId}`,
    fields: [],
    links: [],
    actions: [],
    queuedAt: new Date().toISOString(),
  };
}

beforeEach(async () => {
  // Two worker processes' worth of senders: the pacing must hold across them.
  rig = await startOutboxRig({ workers: 2 });
  ({ slack, store } = rig);
});

afterEach(async () => {
  await rig.stop();
});

const threadText = (channel: string, jobId: string) => {
  const parent = slack
    .messages(channel)
    .find((m) => JSON.stringify(m.blocks).includes(`running ${jobId}`) || JSON.stringify(m.blocks).includes(`succeeded ${jobId}`));
  return parent
    ? slack
        .thread(channel, parent.ts)
        .map((m) => m.text)
        .join('\n')
    : '';
};

describe('pacing a busy channel', () => {
  it('posts 20 cards before any log batch, merges the logs, and makes no 429 storm', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => `p${i}`);
    await Promise.all(
      jobs.map(async (id) => {
        await store.open(id, { channelId: 'CBUSY', teamId: 'T0' }, card(id, 'running'));
        await store.requestFlush(id);
        for (let b = 0; b < 8; b++) await store.pushMessage(id, { kind: 'log', text: `${id} line ${b}`, live: { fullLog: md`/acr logs ${id}` } });
      }),
    );
    await slack.waitFor(() => jobs.every((id) => threadText('CBUSY', id).includes(`${id} line 7`)), 60_000);

    const posts = slack.callsTo('chat.postMessage').filter((c) => c.status === 200);
    const cardPosts = posts.filter((c) => c.args.thread_ts === undefined);
    const replies = posts.filter((c) => c.args.thread_ts !== undefined);
    expect(cardPosts).toHaveLength(20);
    expect(Math.max(...cardPosts.map((c) => c.time))).toBeLessThanOrEqual(Math.min(...replies.map((c) => c.time)));
    // 160 log batches merged into far fewer messages, each thread's lines in order.
    expect(replies.length).toBeLessThanOrEqual(60);
    for (const id of jobs) {
      const text = threadText('CBUSY', id);
      const order = Array.from({ length: 8 }, (_, b) => text.indexOf(`${id} line ${b}`));
      expect(order.every((at, b) => at >= 0 && (b === 0 || at > order[b - 1]!))).toBe(true);
    }
    expect(slack.calls.filter((c) => c.status === 429).length).toBeLessThanOrEqual(3);
  });

  it('sends a final state at once while the channel is far behind on log batches', async () => {
    await store.open('first', { channelId: 'CBUSY', teamId: 'T0' }, card('first', 'running'));
    await store.requestFlush('first');
    await slack.waitFor(() => slack.messages('CBUSY').length === 1, 5000);
    // Fill the channel's allowance with other threads' cards, then finish the first job.
    await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        await store.open(`o${i}`, { channelId: 'CBUSY', teamId: 'T0' }, card(`o${i}`, 'running'));
        await store.requestFlush(`o${i}`);
      }),
    );
    for (let b = 0; b < 20; b++) await store.pushMessage('first', { kind: 'log', text: `first line ${b}`, live: { fullLog: md`/acr logs first` } });
    const finished = Date.now();
    await store.putCard(card('first', 'succeeded'));
    await slack.waitFor(() => JSON.stringify(slack.messages('CBUSY')[0]!.blocks).includes('succeeded first'), 10_000);
    expect(Date.now() - finished).toBeLessThan(2000);
  });

  it('drops the middle of a log that fell far behind, and says where the full log is', async () => {
    await store.open('long', { channelId: 'CBUSY', teamId: 'T0' }, card('long', 'running'));
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        await store.open(`c${i}`, { channelId: 'CBUSY', teamId: 'T0' }, card(`c${i}`, 'running'));
        await store.requestFlush(`c${i}`);
      }),
    );
    for (let b = 0; b < 60; b++)
      await store.pushMessage('long', {
        kind: 'log',
        text: Array.from({ length: 20 }, (_, l) => `batch ${b} line ${l} ${'x'.repeat(40)}`).join('\n'),
        live: { fullLog: md`\`/acr logs ca99\`` },
      });
    await store.requestFlush('long');
    await slack.waitFor(() => threadText('CBUSY', 'long').includes('batch 59 line 19'), 60_000);
    const text = threadText('CBUSY', 'long');
    expect(text).toContain('batch 0 line 0');
    expect(text).toContain('/acr logs ca99');
    expect(text).not.toContain('batch 30 line 10');
  });
});
