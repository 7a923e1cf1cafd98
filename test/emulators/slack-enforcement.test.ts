/**
 * What the Slack emulator refuses, the way real Slack does, through the real WebClient: Block Kit
 * limits, message sizes, deleted cards, channel membership, dead tokens and the rate limits
 * (response_url and trigger_id lifetimes: slack.test.ts, "interaction limits").
 */
import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import type { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from './slack/index.ts';

const TOKEN = 'xoxb-enforcement';
let slack: SlackEmulator;

function client(token = TOKEN): WebClient {
  return new WebClient(token, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
}

async function slackError(fn: () => Promise<unknown>): Promise<WebAPIPlatformError['data'] & { errors?: string[] }> {
  try {
    await fn();
  } catch (err) {
    expect((err as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
    return (err as WebAPIPlatformError).data;
  }
  throw new Error('expected Slack to refuse');
}

const section = (text: string, i = 0) => ({ type: 'section', block_id: `b${i}`, text: { type: 'mrkdwn', text } });

beforeEach(async () => {
  slack = await startSlackEmulator();
  slack.addToken(TOKEN, { teamId: 'T0', botUserId: 'U0BOT' });
});

afterEach(async () => {
  await slack.close();
});

describe('Block Kit and message size limits', () => {
  it('answers invalid_blocks with the path of every offending field', async () => {
    const blocks = [
      section('x'.repeat(3001), 0),
      { type: 'section', block_id: 'f', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
      { type: 'actions', block_id: 'a', elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'y'.repeat(76) }, value: 'v' }] },
      section('dup', 0),
    ];
    const data = await slackError(() => client().chat.postMessage({ channel: 'C1', text: 'card', blocks: blocks as never }));
    expect(data.error).toBe('invalid_blocks');
    expect(data.errors).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      'no more than 10 items allowed [json-pointer:/blocks/1/fields]',
      'must be less than 76 characters [json-pointer:/blocks/2/elements/0/text/text]',
      'block_id must be unique within a message [json-pointer:/blocks/3/block_id]',
    ]);
    expect(slack.messages('C1')).toHaveLength(0);
  });

  it('refuses more than 50 blocks, and updates that break the limits', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ type: 'divider', block_id: `d${i}` }));
    expect((await slackError(() => client().chat.postMessage({ channel: 'C1', text: 't', blocks: many as never }))).errors).toEqual([
      'no more than 50 items allowed [json-pointer:/blocks]',
    ]);
    const { ts } = await client().chat.postMessage({ channel: 'C1', text: 'ok', blocks: [section('fine')] as never });
    expect((await slackError(() => client().chat.update({ channel: 'C1', ts: ts!, text: 't', blocks: many as never }))).error).toBe('invalid_blocks');
    expect(slack.messages('C1')[0]!.history).toHaveLength(0);
  });

  it('answers msg_blocks_too_long past ~12k characters of block text, though every block is valid', async () => {
    // 40 alert rows of ~300 characters: 12,000 characters of text plus the blocks themselves.
    const rows = Array.from({ length: 40 }, (_, i) => section(`row ${i} ${'n'.repeat(295)}`, i));
    expect((await slackError(() => client().chat.postMessage({ channel: 'C1', text: 'alert', blocks: rows as never }))).error).toBe('msg_blocks_too_long');
    await client().chat.postMessage({ channel: 'C1', text: 'alert', blocks: rows.slice(0, 30) as never });
    expect(slack.messages('C1')).toHaveLength(1);
  });

  it('answers msg_too_long above 40,000 characters of text', async () => {
    expect((await slackError(() => client().chat.postMessage({ channel: 'C1', text: 'z'.repeat(40_001) }))).error).toBe('msg_too_long');
    await client().chat.postMessage({ channel: 'C1', text: 'z'.repeat(40_000) });
    expect(slack.messages('C1')).toHaveLength(1);
  });
});

describe('deleted messages', () => {
  it('answers message_not_found to an update of a deleted card; a card with replies leaves a tombstone thread', async () => {
    const web = client();
    const lone = await web.chat.postMessage({ channel: 'C1', text: 'lone card' });
    const card = await web.chat.postMessage({ channel: 'C1', text: 'card' });
    await web.chat.postMessage({ channel: 'C1', thread_ts: card.ts!, text: 'reply' });
    slack.deleteMessage('C1', lone.ts!);
    slack.deleteMessage('C1', card.ts!);
    expect((await slackError(() => web.chat.update({ channel: 'C1', ts: lone.ts!, text: 'x' }))).error).toBe('message_not_found');
    expect((await slackError(() => web.chat.update({ channel: 'C1', ts: card.ts!, text: 'x' }))).error).toBe('message_not_found');
    // The thread of the card that had a reply lives on; the other one is gone.
    const thread = await web.conversations.replies({ channel: 'C1', ts: card.ts! });
    expect(thread.messages?.map((m) => (m as { subtype?: string }).subtype ?? m.text)).toEqual(['tombstone', 'reply']);
    expect((await slackError(() => web.conversations.replies({ channel: 'C1', ts: lone.ts! }))).error).toBe('thread_not_found');
  });
});

describe('channels the bot may not write to', () => {
  it('lets chat:write.public post in a public channel it never joined, but not upload or post ephemerals', async () => {
    slack.addToken('xoxb-scoped', { teamId: 'T0', botUserId: 'U0BOT', scopes: ['chat:write', 'chat:write.public', 'files:write'] });
    slack.addChannel('CPUB', { isMember: false });
    const web = client('xoxb-scoped');
    const card = await web.chat.postMessage({ channel: 'CPUB', text: 'card' });
    expect(card.ok).toBe(true);
    expect((await slackError(() => web.filesUploadV2({ channel_id: 'CPUB', thread_ts: card.ts!, content: 'log', filename: 'b.log' })))!.error).toBe(
      'not_in_channel',
    );
    expect((await slackError(() => web.chat.postEphemeral({ channel: 'CPUB', user: 'U1', text: 'psst' }))).error).toBe('not_in_channel');
    // Without chat:write.public the post itself is refused.
    slack.addToken('xoxb-narrow', { teamId: 'T0', botUserId: 'U0BOT', scopes: ['chat:write'] });
    expect((await slackError(() => client('xoxb-narrow').chat.postMessage({ channel: 'CPUB', text: 'x' }))).error).toBe('not_in_channel');
  });

  it('hides private channels the bot is not in, refuses archived ones, and posts to a user id as a DM', async () => {
    slack.addChannel('GPRIV', { isPrivate: true, isMember: false });
    slack.addChannel('CARCH', { isArchived: true });
    const web = client();
    expect((await slackError(() => web.chat.postMessage({ channel: 'GPRIV', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(() => web.chat.postMessage({ channel: 'CARCH', text: 'x' }))).error).toBe('is_archived');
    slack.setChannel('CARCH', { isArchived: false });
    await web.chat.postMessage({ channel: 'CARCH', text: 'back' });
    const dm = await web.chat.postMessage({ channel: 'U0ALICE', text: 'for you' });
    expect(dm.channel).toBe('D0ALICE');
    expect(slack.messages('D0ALICE').map((m) => m.text)).toEqual(['for you']);
  });
});

describe('metadata and history', () => {
  it('returns message metadata from conversations.history only with include_all_metadata', async () => {
    const web = client();
    const metadata = { event_type: 'chatops_job_card', event_payload: { job_id: 'j1' } };
    const posted = await web.chat.postMessage({ channel: 'C1', text: 'card', metadata });
    const plain = await web.conversations.history({ channel: 'C1', oldest: String(Number(posted.ts) - 1) });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
    const full = await web.conversations.history({ channel: 'C1', oldest: String(Number(posted.ts) - 1), include_all_metadata: true });
    expect(full.messages?.[0]?.metadata).toEqual(metadata);
    slack.addToken('xoxb-nohistory', { teamId: 'T0', botUserId: 'U0BOT', scopes: ['chat:write'] });
    const refused = await slackError(() => client('xoxb-nohistory').conversations.history({ channel: 'C1' }));
    expect(refused).toMatchObject({ error: 'missing_scope', needed: 'channels:history' });
  });
});

describe('lost answers', () => {
  it('carries out a call whose answer is lost, so the caller cannot tell it worked', async () => {
    slack.loseAnswer({ method: 'chat.postMessage' });
    const failed = await client()
      .chat.postMessage({ channel: 'C1', text: 'card' })
      .then(
        () => undefined,
        (err: Error & { code?: string }) => err.code,
      );
    expect(failed).toBe(ErrorCode.HTTPError);
    expect(slack.messages('C1').map((m) => m.text)).toEqual(['card']);
  });
});

describe('dead tokens and rate limits', () => {
  it('answers token_revoked until the token is restored', async () => {
    slack.breakToken(TOKEN);
    expect((await slackError(() => client().auth.test())).error).toBe('token_revoked');
    expect((await slackError(() => client().chat.postMessage({ channel: 'C1', text: 'x' }))).error).toBe('token_revoked');
    slack.restoreToken(TOKEN);
    expect((await client().auth.test()).ok).toBe(true);
  });

  it('can answer ratelimited in a 200 body, as the Web API spec allows', async () => {
    slack.rateLimit({ method: 'chat.update', forMs: 1000, retryAfterSeconds: 1, inBody: true });
    const { ts } = await client().chat.postMessage({ channel: 'C1', text: 'x' });
    expect((await slackError(() => client().chat.update({ channel: 'C1', ts: ts!, text: 'y' }))).error).toBe('ratelimited');
  });

  it('allows about one post per second per channel after a short burst, with 429 and Retry-After', async () => {
    const web = client();
    const results = await Promise.allSettled(Array.from({ length: 14 }, (_, i) => web.chat.postMessage({ channel: 'CBUSY', text: `m${i}` })));
    const limited = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as WebAPIRateLimitedError);
    expect(results.length - limited.length).toBe(10);
    expect(limited.every((e) => e.code === ErrorCode.RateLimitedError && e.retryAfter >= 1)).toBe(true);
    // Another channel is not affected, and after a second one more post goes through.
    await web.chat.postMessage({ channel: 'COTHER', text: 'fine' });
    await new Promise((r) => setTimeout(r, 1100));
    await web.chat.postMessage({ channel: 'CBUSY', text: 'later' });
    expect(slack.messages('CBUSY')).toHaveLength(11);
  });

  it('holds chat.update to Tier 3 for the workspace', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: 'C1', text: 'x' });
    const results = await Promise.allSettled(Array.from({ length: 55 }, (_, i) => web.chat.update({ channel: 'C1', ts: ts!, text: `v${i}` })));
    expect(results.filter((r) => r.status === 'rejected').length).toBe(5);
  });
});
