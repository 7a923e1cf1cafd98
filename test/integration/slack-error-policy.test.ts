/**
 * Every row of the Slack error policy table, through the real outbox: the emulator answers the
 * row's code once, and what the outbox does next is what the row says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobCard } from '../../src/core/card.ts';
import { md } from '../../src/core/mrkdwn.ts';
import { classifySlackFailure, slackErrorPolicy, type SlackErrorAction } from '../../src/slack/delivery/slack-error-policy.ts';
import { slackDeliveryCheck } from '../../src/slack/delivery/delivery-health.ts';
import { startOutboxRig, type OutboxRig } from '../helpers/outbox-rig.ts';

let rig: OutboxRig;
beforeEach(async () => {
  rig = await startOutboxRig();
});
afterEach(async () => {
  await rig.stop();
});

const rows = (action: SlackErrorAction) =>
  Object.entries(slackErrorPolicy)
    .filter(([, a]) => a === action)
    .map(([code]) => code);

function card(jobId: string, status: JobCard['status'], detail: string): JobCard {
  return {
    jobId,
    title: `Job ${jobId}`,
    requesterId: 'U0ALICE',
    environment: 'dev',
    status,
    detail: md`${detail}`,
    fields: [],
    links: [],
    actions: [],
    queuedAt: new Date().toISOString(),
  };
}

async function postedCard(jobId: string, channel = 'C1'): Promise<string> {
  await rig.store.open(jobId, { channelId: channel, teamId: 'T0', responseUrl: rig.slack.responseUrl() }, card(jobId, 'running', 'first'));
  await rig.store.requestFlush(jobId);
  return (await rig.slack.waitFor(() => rig.slack.messages(channel).find((m) => JSON.stringify(m.blocks).includes(jobId)), 5000)).ts;
}

describe('the Slack error policy, row by row', () => {
  it.each(rows('retry'))('retry: %s on a reply, and the reply still arrives', async (code) => {
    const ts = await postedCard('r');
    rig.slack.errorNext({ method: 'chat.postMessage', error: code });
    await rig.store.pushMessage('r', { kind: 'note', text: md`after ${code}` });
    await rig.slack.waitFor(() => rig.slack.thread('C1', ts).some((m) => m.text === `after ${code}`), 10_000);
  });

  it.each(rows('repost'))('repost: %s on a card edit, and a fresh card carries the new state', async (code) => {
    await postedCard('p');
    rig.slack.errorNext({ method: 'chat.update', error: code });
    await rig.store.putCard(card('p', 'succeeded', `fresh after ${code}`));
    await rig.slack.waitFor(() => rig.slack.allMessages('C1').some((m) => JSON.stringify(m.blocks).includes(`fresh after ${code}`)), 10_000);
    expect(rig.slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(2);
  });

  it.each(rows('degrade'))('degrade: %s on a card post, and a simpler card arrives', async (code) => {
    rig.slack.errorNext({ method: 'chat.postMessage', error: code });
    await postedCard('g');
    expect(rig.slack.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(1);
    expect(rig.slack.messages('C1')[0]!.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);
  });

  it.each(rows('reroute'))('reroute: %s on a card post, and the card reaches the requester', async (code) => {
    rig.slack.errorNext({ method: 'chat.postMessage', error: code });
    await rig.store.open('x', { channelId: 'C1', teamId: 'T0', responseUrl: rig.slack.responseUrl() }, card('x', 'running', 'rerouted'));
    await rig.store.requestFlush('x');
    await rig.slack.waitFor(() => rig.slack.messages('D0ALICE').length === 1 && rig.slack.responses.length === 1, 10_000);
    expect(await rig.store.deliveryOf('x')).toBe('rerouted');
  });

  it.each(rows('halt'))('halt: %s stops sending until the token checks out again', async (code) => {
    const check = slackDeliveryCheck(rig.redis);
    rig.slack.errorNext({ method: 'chat.postMessage', error: code });
    await rig.store.open('h', { channelId: 'C1', teamId: 'T0' }, card('h', 'running', 'held'));
    await rig.store.requestFlush('h');
    await rig.slack.waitFor(async () => (await check.check()).detail?.includes(code), 5000);
    await rig.slack.waitFor(() => rig.logs.some((l) => l.includes('"level":50') && l.includes(code)), 2000);
    // The token works (only that one call was refused): the probe finds it and the card goes out.
    await rig.slack.waitFor(() => rig.slack.messages('C1').length === 1, 10_000);
    expect((await check.check()).ok).toBe(true);
  });

  it('treats a code nobody documented as a refusal of that message, and transport failures as retryable', () => {
    expect(classifySlackFailure({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'brand_new_error' } })).toMatchObject({
      action: 'degrade',
      code: 'brand_new_error',
    });
    expect(classifySlackFailure({ code: 'slack_webapi_http_error', statusCode: 502 })).toMatchObject({ action: 'retry', outcomeUnknown: true });
    expect(classifySlackFailure({ code: 'slack_webapi_request_error' })).toMatchObject({ action: 'retry', outcomeUnknown: true });
    expect(classifySlackFailure({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 })).toMatchObject({
      action: 'retry',
      retryAfterMs: 7000,
      outcomeUnknown: false,
    });
    expect(classifySlackFailure(new TypeError('a bug'))).toBeUndefined();
  });
});
