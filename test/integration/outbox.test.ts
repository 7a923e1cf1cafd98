import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobCard } from '../../src/core/card.ts';
import { md } from '../../src/core/mrkdwn.ts';
import { OutboxReporter } from '../../src/outbox/outbox-reporter.ts';
import type { OutboxStore } from '../../src/outbox/outbox-store.ts';
import type { SlackEmulator } from '../emulators/slack/index.ts';
import { startOutboxRig, type OutboxRig } from '../helpers/outbox-rig.ts';

let rig: OutboxRig;
let slack: SlackEmulator;
let store: OutboxStore;

function card(jobId: string, status: JobCard['status'], detail: string): JobCard {
  return {
    jobId,
    title: 'Build web:v1',
    requesterId: 'U0ALICE',
    environment: 'dev',
    status,
    detail: md`${detail}`,
    fields: [],
    links: [],
    actions: status === 'running' ? ['cancel'] : [],
    queuedAt: new Date().toISOString(),
  };
}

beforeEach(async () => {
  rig = await startOutboxRig();
  ({ slack, store } = rig);
});

afterEach(async () => {
  await rig.stop();
});

describe('the Slack outbox', () => {
  it('does not reset a card when the same job is opened again (a resent request)', async () => {
    await store.open('j0', { channelId: 'C1', teamId: 'T0' }, card('j0', 'queued', 'first'));
    await store.putCard(card('j0', 'running', 'moved on'));
    await store.open('j0', { channelId: 'C2', teamId: 'T0' }, card('j0', 'queued', 'resent'));
    const snap = await store.snapshot('j0');
    expect(snap.card?.detail?.mrkdwn).toBe('moved on');
    expect(snap.thread?.channelId).toBe('C1');
  });

  it('posts the card once, edits it in place, and keeps thread replies in order', async () => {
    const reporter = new OutboxReporter(store);
    await store.open('j1', { channelId: 'C1', teamId: 'T0' }, card('j1', 'queued', 'queued'));
    await reporter.updateCard(card('j1', 'running', 'running'));
    for (let i = 0; i < 5; i++) await reporter.post('j1', { kind: 'log', text: `line ${i}` });
    await reporter.updateCard(card('j1', 'succeeded', 'all done'));
    await slack.waitFor(() => JSON.stringify(slack.messages('C1')[0]?.blocks ?? []).includes('all done'), 10_000);
    await slack.waitFor(() => slack.thread('C1', slack.messages('C1')[0]!.ts).length === 5, 10_000);
    const [parent] = slack.messages('C1');
    expect(slack.messages('C1')).toHaveLength(1);
    expect(slack.thread('C1', parent!.ts).map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `\`\`\`line ${i}\`\`\``));
    // Coalescing: never more card writes than card versions (3), and usually fewer.
    expect(slack.callsTo('chat.postMessage').length + slack.callsTo('chat.update').length).toBeLessThanOrEqual(3 + 5);
  });

  it('coalesces card updates while Slack rate-limits, and the final state still arrives', async () => {
    slack.rateLimit({ forMs: 2_000, retryAfterSeconds: 2 });
    await store.open('j2', { channelId: 'C1', teamId: 'T0' }, card('j2', 'queued', 'v0'));
    for (let i = 1; i <= 20; i++) await store.putCard(card('j2', 'running', `v${i}`));
    await slack.waitFor(() => JSON.stringify(slack.messages('C1')[0]?.blocks ?? []).includes('v20'), 15_000);
    const accepted = slack.calls.filter((c) => c.status === 200 && (c.method === 'chat.update' || c.method === 'chat.postMessage'));
    expect(slack.calls.some((c) => c.status === 429)).toBe(true);
    expect(accepted.length).toBeLessThanOrEqual(3); // 21 versions, a handful of writes
  });

  it('retries through Slack 5xx errors', async () => {
    slack.failNext({ method: 'chat.postMessage', status: 503, times: 4 });
    await store.open('j3', { channelId: 'C1', teamId: 'T0' }, card('j3', 'queued', 'after outage'));
    await store.requestFlush('j3');
    await slack.waitFor(() => slack.messages('C1').length === 1, 20_000);
    expect(slack.calls.filter((c) => c.status === 503).length).toBe(4);
  });

  it('tells the requester privately when the bot cannot post in the channel', async () => {
    slack.addChannel('CPRIV', { isPrivate: true, isMember: false });
    const responseUrl = slack.responseUrl('priv');
    await store.open('j4', { channelId: 'CPRIV', teamId: 'T0', responseUrl }, card('j4', 'queued', 'x'));
    await store.pushMessage('j4', { kind: 'note', text: md`sent by direct message` });
    await slack.waitFor(() => slack.responses.length > 0, 10_000);
    expect(JSON.stringify(slack.responses[0]!.body)).toMatch(/\/invite/);
    expect((await store.thread('j4'))?.rerouted).toBe('channel_not_found');
    expect(await store.deliveryOf('j4')).toBe('rerouted');
  });

  it('escapes text from users and Azure so it cannot mention or link', async () => {
    await store.open('j5', { channelId: 'C1', teamId: 'T0' }, { ...card('j5', 'running', '<!channel> hi'), title: 'Build <@U999> <https://evil|x>' });
    await store.pushMessage('j5', { kind: 'log', text: 'npm WARN <!here> & <@U123>' });
    await slack.waitFor(() => slack.messages('C1').length === 1 && slack.thread('C1', slack.messages('C1')[0]!.ts).length === 1, 10_000);
    // Everything Slack parses as markup: top-level text and mrkdwn text objects (plain_text is shown literally).
    const parsed: string[] = [];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.type === 'mrkdwn' && typeof o.text === 'string') parsed.push(o.text);
        Object.values(o).forEach(collect);
      }
    };
    const messages = [...slack.messages('C1'), ...slack.thread('C1', slack.messages('C1')[0]!.ts)];
    for (const m of messages) {
      parsed.push(m.text ?? '');
      collect(m.blocks);
    }
    const all = parsed.join('\n');
    expect(all).not.toMatch(/<!channel>|<!here>|<@U999>|<@U123>|<https:\/\/evil/);
    expect(all).toContain('&lt;!here&gt;');
  });
});
