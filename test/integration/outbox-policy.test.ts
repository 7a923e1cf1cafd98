/**
 * The outbox's answer to every kind of Slack error, one test per row of the policy table
 * (src/slack/delivery/slack-error-policy.ts): retry later, repost, degrade, reroute, halt. Real
 * Redis, the real WebClient and the Slack emulator with Slack's limits on.
 */
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobCard } from '../../src/core/card.ts';
import { md } from '../../src/core/mrkdwn.ts';
import type { OutboxStore } from '../../src/outbox/outbox-store.ts';
import { slackDeliveryCheck } from '../../src/slack/delivery/delivery-health.ts';
import type { SlackEmulator, SlackLimitsOptions } from '../emulators/slack/index.ts';
import { startOutboxRig, type OutboxRig } from '../helpers/outbox-rig.ts';

let rig: OutboxRig | undefined;
let slack: SlackEmulator;
let redis: Redis;
let store: OutboxStore;
let logs: string[];
let token: string;

async function start(options: { limits?: SlackLimitsOptions; admins?: string[] } = {}): Promise<void> {
  rig = await startOutboxRig(options);
  ({ slack, redis, store, logs, token } = rig);
}

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

function card(jobId: string, status: JobCard['status'], detail: string, extra: Partial<JobCard> = {}): JobCard {
  return {
    jobId,
    title: `Build ${jobId}`,
    requesterId: 'U0ALICE',
    environment: 'dev',
    status,
    detail: md`${detail}`,
    fields: [{ label: 'Registry', value: 'contosodev', code: true }],
    links: [],
    actions: status === 'running' ? ['cancel'] : [],
    queuedAt: new Date().toISOString(),
    ...extra,
  };
}

/** Every message (top level and replies) of a channel that mentions `text` in its text or blocks. */
function withText(channel: string, text: string) {
  return slack.allMessages(channel).filter((m) => `${m.text} ${JSON.stringify(m.blocks)}`.includes(text));
}

const callsSince = (t: number, method?: string) => slack.calls.filter((c) => c.time >= t && (method === undefined || c.method === method));

describe('retry later', () => {
  it('treats ratelimited in a 200 body like a 429: the reply arrives later instead of being dropped', async () => {
    await start();
    await store.open('r1', { channelId: 'C1', teamId: 'T0' }, card('r1', 'running', 'go'));
    await store.requestFlush('r1');
    await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
    slack.errorNext({ method: 'chat.postMessage', error: 'ratelimited', times: 2 });
    await store.pushMessage('r1', { kind: 'note', text: md`first milestone` });
    await store.pushMessage('r1', { kind: 'note', text: md`second milestone` });
    await slack.waitFor(() => slack.thread('C1', slack.messages('C1')[0]!.ts).length === 2, 15_000);
    expect(slack.thread('C1', slack.messages('C1')[0]!.ts).map((m) => m.text)).toEqual(['first milestone', 'second milestone']);
  });

  it("holds back only the channel Slack throttled: another channel's card goes out at once", async () => {
    // A slow channel: 2 messages at once, then one every 5 s, so Slack's Retry-After is 5 s.
    await start({ limits: { postPerChannel: { perSecond: 0.2, burst: 2 } } });
    await store.open('busy', { channelId: 'CBUSY', teamId: 'T0' }, card('busy', 'running', 'busy'));
    for (let i = 0; i < 4; i++) await store.pushMessage('busy', { kind: 'note', text: md`milestone ${i}` });
    await slack.waitFor(() => slack.messages('CBUSY').length === 1, 5000);
    await new Promise((r) => setTimeout(r, 300));
    const opened = Date.now();
    await store.open('quiet', { channelId: 'CQUIET', teamId: 'T0' }, card('quiet', 'queued', 'quiet'));
    await store.requestFlush('quiet');
    await slack.waitFor(() => slack.messages('CQUIET').length === 1, 10_000);
    expect(Date.now() - opened).toBeLessThan(1500);
    // The busy channel still gets every milestone, in order.
    await slack.waitFor(() => slack.thread('CBUSY', slack.messages('CBUSY')[0]!.ts).length === 4, 30_000);
    expect(slack.thread('CBUSY', slack.messages('CBUSY')[0]!.ts).map((m) => m.text)).toEqual([0, 1, 2, 3].map((i) => `milestone ${i}`));
  });
});

describe('repost', () => {
  it('posts a fresh card once when the card was deleted, and drops no reply', async () => {
    await start();
    await store.open('d1', { channelId: 'C1', teamId: 'T0' }, card('d1', 'running', 'v1'));
    await store.requestFlush('d1');
    await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
    slack.deleteMessage('C1', slack.messages('C1')[0]!.ts);
    const t = Date.now();
    await store.putCard(card('d1', 'succeeded', 'all done'));
    await store.pushMessage('d1', { kind: 'note', text: md`unrelated milestone` });
    await slack.waitFor(() => withText('C1', 'all done').length === 1 && withText('C1', 'unrelated milestone').length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(withText('C1', 'all done')).toHaveLength(1);
    expect(callsSince(t, 'chat.update').length).toBeLessThanOrEqual(2);
    expect(callsSince(t).length).toBeLessThanOrEqual(6);
  });

  it('threads the fresh card where the thread still exists (the deleted card had replies)', async () => {
    await start();
    await store.open('d2', { channelId: 'C1', teamId: 'T0' }, card('d2', 'running', 'v1'));
    await store.pushMessage('d2', { kind: 'note', text: md`step one` });
    await slack.waitFor(() => slack.messages('C1').length === 1 && slack.thread('C1', slack.messages('C1')[0]!.ts).length === 1, 5000);
    const parent = slack.messages('C1')[0]!.ts;
    slack.deleteMessage('C1', parent);
    await store.putCard(card('d2', 'failed', 'broke at step two'));
    await store.pushMessage('d2', { kind: 'note', text: md`step two` });
    await slack.waitFor(() => slack.thread('C1', parent).some((m) => JSON.stringify(m.blocks).includes('broke at step two')), 10_000);
    await slack.waitFor(() => slack.thread('C1', parent).some((m) => m.text === 'step two'), 10_000);
    expect(slack.messages('C1').filter((m) => m.subtype !== 'tombstone')).toHaveLength(0);
  });

  it('posts a fresh card when Slack will not let the bot edit its card (cant_update_message)', async () => {
    await start();
    await store.open('d3', { channelId: 'C1', teamId: 'T0' }, card('d3', 'running', 'v1'));
    await store.requestFlush('d3');
    await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
    slack.errorNext({ method: 'chat.update', error: 'cant_update_message' });
    await store.putCard(card('d3', 'succeeded', 'finished fine'));
    await slack.waitFor(() => withText('C1', 'finished fine').length === 1, 10_000);
    // A new card, not an edit of the one Slack refused to change.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(2);
    expect(JSON.stringify(slack.messages('C1')[0]!.blocks)).not.toContain('finished fine');
  });
});

describe('degrade', () => {
  for (const error of ['invalid_blocks', 'msg_too_long', 'msg_blocks_too_long']) {
    it(`sends the same content more simply when Slack answers ${error}: plain card, then text with a file, then a pointer to /ops job`, async () => {
      await start();
      slack.errorNext({ method: 'chat.postMessage', error, times: 1 });
      await store.open('g1', { channelId: 'C1', teamId: 'T0' }, card('g1', 'running', 'first try refused', { actions: ['cancel'] }));
      await store.requestFlush('g1');
      await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
      const simple = slack.messages('C1')[0]!;
      expect(JSON.stringify(simple.blocks)).toContain('first try refused');

      slack.errorNext({ method: 'chat.postMessage', error, times: 2 });
      await store.open('g2', { channelId: 'C2', teamId: 'T0' }, card('g2', 'running', 'refused twice'));
      await store.requestFlush('g2');
      await slack.waitFor(() => slack.messages('C2').length === 1 && slack.files.length === 1, 5000);
      expect(slack.messages('C2')[0]!.blocks).toEqual([]);
      expect(slack.messages('C2')[0]!.text).toContain('Build g2');
      expect(slack.files[0]!.content).toContain('contosodev');

      slack.errorNext({ method: 'chat.postMessage', error, times: 3 });
      await store.open('g3', { channelId: 'C3', teamId: 'T0' }, card('g3', 'running', 'refused thrice'));
      await store.requestFlush('g3');
      await slack.waitFor(() => slack.messages('C3').length === 1, 5000);
      expect(slack.messages('C3')[0]!.text).toContain('/ops job g3');
    });
  }

  it('degrades a refused thread reply without dropping the ones after it', async () => {
    await start();
    await store.open('g4', { channelId: 'C1', teamId: 'T0' }, card('g4', 'running', 'x'));
    await store.requestFlush('g4');
    await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
    slack.errorNext({ method: 'chat.postMessage', error: 'msg_too_long' });
    await store.pushMessage('g4', { kind: 'note', text: md`the refused one` });
    await store.pushMessage('g4', { kind: 'note', text: md`the next one` });
    const ts = slack.messages('C1')[0]!.ts;
    await slack.waitFor(() => slack.thread('C1', ts).some((m) => m.text === 'the next one'), 10_000);
    expect(
      slack
        .thread('C1', ts)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('the refused one');
  });
});

describe('reroute', () => {
  for (const [error, setup] of [
    ['not_in_channel', (s: SlackEmulator) => s.addToken(token, { teamId: 'T0', botUserId: 'U0BOT', scopes: ['chat:write'] })],
    ['channel_not_found', () => {}],
    ['is_archived', () => {}],
  ] as const) {
    it(`brings the card to the requester through response_url when the channel answers ${error}`, async () => {
      await start();
      setup(slack);
      if (error === 'not_in_channel') slack.addChannel('CX', { isMember: false });
      if (error === 'channel_not_found') slack.addChannel('CX', { isPrivate: true, isMember: false });
      if (error === 'is_archived') slack.addChannel('CX', { isArchived: true });
      const responseUrl = slack.responseUrl();
      await store.open('x1', { channelId: 'CX', teamId: 'T0', responseUrl }, card('x1', 'running', 'rerouted card'));
      await store.requestFlush('x1');
      await slack.waitFor(() => slack.responses.length > 0, 10_000);
      const body = JSON.stringify(slack.responses[0]!.body);
      expect(body).toContain('rerouted card');
      expect(body).toMatch(/invite|archived|cannot post|can.t post/i);
    });
  }

  it('sends the card by direct message once the response_url has expired, and keeps the thread there', async () => {
    await start();
    slack.addChannel('CARCH', { isArchived: true });
    const responseUrl = slack.responseUrl();
    slack.ageResponseUrl(responseUrl, 31 * 60_000);
    await store.open('x2', { channelId: 'CARCH', teamId: 'T0', responseUrl }, card('x2', 'running', 'long build'));
    await store.requestFlush('x2');
    await slack.waitFor(() => slack.messages('D0ALICE').length === 1, 10_000);
    await store.putCard(card('x2', 'succeeded', 'long build done'));
    await store.pushMessage('x2', { kind: 'note', text: md`and a reply` });
    await slack.waitFor(() => JSON.stringify(slack.messages('D0ALICE')[0]!.blocks).includes('long build done'), 10_000);
    // The thread there opens with why the card came by direct message, then carries on.
    await slack.waitFor(
      () =>
        slack
          .thread('D0ALICE', slack.messages('D0ALICE')[0]!.ts)
          .map((m) => m.text)
          .join('\n')
          .includes('and a reply'),
      10_000,
    );
    expect(slack.thread('D0ALICE', slack.messages('D0ALICE')[0]!.ts)[0]!.text).toContain('archived');
  });

  it('sends a scheduled alert nobody requested to the admins when the alert channel refuses it', async () => {
    await start({ admins: ['U0ADMIN', 'U0ADMIN2'] });
    slack.addChannel('CALERTS', { isPrivate: true, isMember: false });
    await store.open('a1', { channelId: 'CALERTS', teamId: 'T0' }, card('a1', 'alert', 'secrets expiring', { requesterId: 'system' }));
    await store.requestFlush('a1');
    await slack.waitFor(() => slack.messages('D0ADMIN').length === 1 && slack.messages('D0ADMIN2').length === 1, 10_000);
    expect(JSON.stringify(slack.messages('D0ADMIN')[0]!.blocks)).toContain('secrets expiring');
    await slack.waitFor(() => logs.some((l) => l.includes('"level":50') && l.includes('CALERTS')), 2000);
  });
});

describe('halt', () => {
  for (const error of ['token_revoked', 'invalid_auth', 'account_inactive'] as const) {
    it(`stops sending on ${error}, keeps everything queued, fails readiness, and resumes when the token works`, async () => {
      await start();
      const check = slackDeliveryCheck(redis);
      await store.open('h1', { channelId: 'C1', teamId: 'T0' }, card('h1', 'running', 'before'));
      await store.requestFlush('h1');
      await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
      expect((await check.check()).ok).toBe(true);

      slack.breakToken(token, error);
      for (let i = 0; i < 5; i++) await store.pushMessage('h1', { kind: 'note', text: md`queued ${i}` });
      await store.putCard(card('h1', 'succeeded', 'final state'));
      await slack.waitFor(async () => !(await check.check()).ok, 5000);
      expect((await check.check()).detail).toContain(error);
      await slack.waitFor(() => logs.some((l) => l.includes('"level":50') && l.includes(error)), 2000);
      const haltedAt = Date.now();
      await new Promise((r) => setTimeout(r, 2500));
      // While halted only the probe calls Slack (auth.test), at its interval.
      const during = callsSince(haltedAt);
      expect(during.every((c) => c.method === 'auth.test')).toBe(true);
      expect(during.length).toBeLessThanOrEqual(7);

      slack.restoreToken(token);
      const ts = slack.messages('C1')[0]!.ts;
      await slack.waitFor(() => slack.thread('C1', ts).length === 5 && JSON.stringify(slack.messages('C1')[0]!.blocks).includes('final state'), 15_000);
      expect(slack.thread('C1', ts).map((m) => m.text)).toEqual([0, 1, 2, 3, 4].map((i) => `queued ${i}`));
      await slack.waitFor(async () => (await check.check()).ok, 5000);
    });
  }

  it('halts on missing_scope and resumes once the token has the scope', async () => {
    await start();
    slack.addToken(token, { teamId: 'T0', botUserId: 'U0BOT', scopes: ['commands'] });
    slack.errorNext({ method: 'chat.postMessage', error: 'missing_scope' });
    await store.open('h2', { channelId: 'C1', teamId: 'T0' }, card('h2', 'queued', 'needs a scope'));
    await store.requestFlush('h2');
    const check = slackDeliveryCheck(redis);
    await slack.waitFor(async () => !(await check.check()).ok, 5000);
    slack.addToken(token, { teamId: 'T0', botUserId: 'U0BOT', scopes: ['commands', 'chat:write'] });
    await slack.waitFor(() => slack.messages('C1').length === 1, 10_000);
  });
});

describe('however a thread fails', () => {
  it('makes at most a handful of calls a minute for it, and other threads are not held up', async () => {
    await start();
    await store.open('f1', { channelId: 'C1', teamId: 'T0' }, card('f1', 'running', 'x'));
    await store.requestFlush('f1');
    await slack.waitFor(() => slack.messages('C1').length === 1, 5000);
    const t = Date.now();
    // An error nobody documented, on every reply of this thread.
    slack.errorNext({ method: 'chat.postMessage', error: 'internal_error', times: 1000 });
    await store.pushMessage('f1', { kind: 'note', text: md`never accepted` });
    await new Promise((r) => setTimeout(r, 6000));
    expect(callsSince(t, 'chat.postMessage').length).toBeLessThanOrEqual(6);
    slack.clearFaults();
    await store.open('f2', { channelId: 'C2', teamId: 'T0' }, card('f2', 'queued', 'other'));
    await store.requestFlush('f2');
    await slack.waitFor(() => slack.messages('C2').length === 1, 3000);
  });
});
