/**
 * Proves the Slack emulator against the real clients: `@slack/web-api`'s WebClient and a Bolt
 * `App` on its HTTP receiver, plus the request-signing helpers.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel, verifySlackRequest } from '@slack/bolt';
import type { BlockAction } from '@slack/bolt';
import { ErrorCode, LogLevel as WebLogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import type { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from './slack/index.ts';
import type { SlackEmulator } from './slack/index.ts';
import {
  blockActionsBody,
  eventCallbackBody,
  postSigned,
  signBody,
  SLACK_DOC_BODY,
  SLACK_DOC_SIGNATURE,
  SLACK_DOC_SIGNING_SECRET,
  SLACK_DOC_TIMESTAMP,
  slashCommandBody,
} from '../helpers/slack-requests.ts';

const TOKEN = 'xoxb-1111-emulator-test';
const OTHER_TOKEN = 'xoxb-2222-other-app';
const TEAM = 'T0TEAM';
const BOT_USER = 'U0BOT';
const CHANNEL = 'C0DEV';

let slack: SlackEmulator;

/** A WebClient on the emulator (`token: null` → none); quiet, and with a fast retry policy unless overridden. */
function client(options: ConstructorParameters<typeof WebClient>[1] = {}, token: string | null = TOKEN): WebClient {
  return new WebClient(token ?? undefined, {
    slackApiUrl: slack.apiUrl,
    logLevel: WebLogLevel.ERROR,
    retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20 },
    ...options,
  });
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
async function thrown<T = Error>(fn: () => Promise<unknown>): Promise<T> {
  try {
    await fn();
  } catch (error) {
    return error as T;
  }
  throw new Error('expected the call to throw');
}

beforeAll(async () => {
  slack = await startSlackEmulator();
  slack.addToken(TOKEN, { teamId: TEAM, botUserId: BOT_USER, appId: 'A0CHATOPS', teamDomain: 'contoso' });
  slack.addToken(OTHER_TOKEN, { teamId: TEAM, botUserId: 'U0OTHER' });
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  slack.reset();
  slack.strictChannels = false;
});

describe('request signing helpers', () => {
  it("reproduce Slack's documented test vector", () => {
    const signed = signBody(SLACK_DOC_SIGNING_SECRET, SLACK_DOC_BODY, SLACK_DOC_TIMESTAMP);
    expect(signed.signature).toBe(SLACK_DOC_SIGNATURE);
    expect(signed.timestamp).toBe('1531420618');
    expect(signed.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    // Bolt's own verifier accepts it at the vector's time, and rejects a one-byte change.
    const verify = (body: string) =>
      verifySlackRequest({
        signingSecret: SLACK_DOC_SIGNING_SECRET,
        body,
        headers: { 'x-slack-signature': signed.signature, 'x-slack-request-timestamp': SLACK_DOC_TIMESTAMP },
        nowMilliseconds: SLACK_DOC_TIMESTAMP * 1000 + 5_000,
      });
    expect(() => verify(SLACK_DOC_BODY)).not.toThrow();
    expect(() => verify(`${SLACK_DOC_BODY}x`)).toThrow(/signature mismatch/);
  });

  it('build Slack-shaped slash command and block_actions bodies', () => {
    const command = new URLSearchParams(
      slashCommandBody({ command: '/acr', text: 'build -t web:v1', userId: 'U1', channelId: 'C1', teamId: 'T1', apiAppId: 'A1', responseUrl: 'http://x/r' }),
    );
    expect(command.get('command')).toBe('/acr');
    expect(command.get('text')).toBe('build -t web:v1');
    expect(command.get('trigger_id')).toMatch(/^\d{12}\.\d{11}\.[0-9a-f]{32}$/);
    expect(command.get('response_url')).toBe('http://x/r');
    expect(command.get('api_app_id')).toBe('A1');

    const payload = JSON.parse(
      new URLSearchParams(
        blockActionsBody({
          userId: 'U1',
          teamId: 'T1',
          apiAppId: 'A1',
          channelId: 'C1',
          messageTs: '1.000001',
          actionId: 'approve',
          value: 'job-1',
          responseUrl: 'http://x/r',
        }),
      ).get('payload') ?? 'null',
    ) as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', team_id: 'T1' },
      container: { type: 'message', message_ts: '1.000001', channel_id: 'C1', is_ephemeral: false },
      channel: { id: 'C1' },
      message: { ts: '1.000001' },
      response_url: 'http://x/r',
      actions: [{ type: 'button', action_id: 'approve', value: 'job-1' }],
    });
  });
});

describe('Web API emulator with the real WebClient', () => {
  it('reflects posts, thread replies and updates in its state', async () => {
    const web = client();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Build *queued*' } }];
    const parent = await web.chat.postMessage({ channel: CHANNEL, text: 'Build queued', blocks });
    expect(parent.ok).toBe(true);
    expect(parent.channel).toBe(CHANNEL);
    expect(parent.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(parent.message?.bot_id).toBe('B0BOT');
    const parentTs = parent.ts ?? '';

    const r1 = await web.chat.postMessage({ channel: CHANNEL, thread_ts: parentTs, text: 'Step 1/3' });
    const r2 = await web.chat.postMessage({ channel: CHANNEL, thread_ts: parentTs, text: 'Step 2/3', reply_broadcast: true });
    expect(Number(r1.ts)).toBeGreaterThan(Number(parentTs));
    expect(Number(r2.ts)).toBeGreaterThan(Number(r1.ts));

    const updated = await web.chat.update({ channel: CHANNEL, ts: parentTs, text: 'Build running', blocks: [] });
    expect(updated.text).toBe('Build running');

    const top = slack.messages(CHANNEL);
    expect(top.map((m) => m.ts)).toEqual([parentTs, r2.ts]); // replies stay in the thread unless broadcast
    const card = top[0];
    expect(card?.text).toBe('Build running');
    expect(card?.blocks).toEqual([]);
    expect(card?.user).toBe(BOT_USER);
    expect(card?.history).toHaveLength(1);
    expect(card?.history[0]?.text).toBe('Build queued');
    expect(card?.history[0]?.blocks).toEqual(blocks); // form-encoded JSON decoded back into an array
    expect(card?.reply_count).toBe(2);

    const thread = slack.thread(CHANNEL, parentTs);
    expect(thread.map((m) => m.text)).toEqual(['Step 1/3', 'Step 2/3']);
    expect(thread[1]?.reply_broadcast).toBe(true);

    const post = slack.callsTo('chat.postMessage')[0];
    expect(post?.args.blocks).toEqual(blocks);
    expect(post?.contentType).toBe('application/x-www-form-urlencoded');
    expect(post?.token).toBe(TOKEN);
  });

  it('refuses bad updates and bad tokens without changing state', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: CHANNEL, text: 'mine' });

    const missing = await thrown<WebAPIPlatformError>(() => web.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' }));
    expect(missing.code).toBe(ErrorCode.PlatformError);
    expect(missing.data.error).toBe('message_not_found');

    const notOwn = await thrown<WebAPIPlatformError>(() => client({}, OTHER_TOKEN).chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'hijacked' }));
    expect(notOwn.data.error).toBe('cant_update_message');

    const badToken = await thrown<WebAPIPlatformError>(() => client({}, 'xoxb-nope').chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(badToken.data.error).toBe('invalid_auth');
    const noToken = await thrown<WebAPIPlatformError>(() => client({}, null).chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(noToken.data.error).toBe('not_authed');

    slack.strictChannels = true;
    const strict = await thrown<WebAPIPlatformError>(() => web.chat.postMessage({ channel: 'C0UNKNOWN', text: 'x' }));
    expect(strict.data.error).toBe('channel_not_found');

    const unknown = await thrown<WebAPIPlatformError>(() => web.apiCall('chat.frobnicate', {}));
    expect(unknown.data.error).toBe('unknown_method');

    expect(slack.allMessages(CHANNEL).map((m) => m.text)).toEqual(['mine']);
    expect(slack.messages(CHANNEL)[0]?.history).toEqual([]);
    expect(slack.allMessages('C0UNKNOWN')).toEqual([]);
  });

  it('accepts JSON bodies with a bearer token, but not a token inside JSON', async () => {
    const call = (headers: Record<string, string>, body: unknown) =>
      fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { ok: boolean; error?: string; ts?: string } }));
    const ok = await call({ authorization: `Bearer ${TOKEN}` }, { channel: CHANNEL, text: 'json', blocks: [{ type: 'divider' }] });
    expect(ok).toMatchObject({ status: 200, body: { ok: true } });
    const inBody = await call({}, { token: TOKEN, channel: CHANNEL, text: 'json' });
    expect(inBody).toEqual({ status: 200, body: { ok: false, error: 'not_authed' } });
    expect(slack.messages(CHANNEL).map((m) => m.blocks)).toEqual([[{ type: 'divider' }]]);
  });

  it('answers the look-up methods the bot uses', async () => {
    const web = client();
    slack.setUsergroup('S0APPROVERS', ['U0ALICE', 'U0BOB']);
    slack.addUser({ id: 'U0ALICE', name: 'alice', real_name: 'Alice A' });
    expect((await web.usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual(['U0ALICE', 'U0BOB']);
    expect((await thrown<WebAPIPlatformError>(() => web.usergroups.users.list({ usergroup: 'S0NOPE' }))).data.error).toBe('no_such_subteam');
    expect((await web.users.info({ user: 'U0ALICE' })).user).toMatchObject({ id: 'U0ALICE', name: 'alice', real_name: 'Alice A' });
    expect((await thrown<WebAPIPlatformError>(() => web.users.info({ user: 'U0NOPE' }))).data.error).toBe('user_not_found');
    expect(await web.auth.test()).toMatchObject({ ok: true, team_id: TEAM, user_id: BOT_USER, bot_id: 'B0BOT', url: 'https://contoso.slack.com/' });
    expect((await web.conversations.info({ channel: CHANNEL })).channel?.id).toBe(CHANNEL);

    const { ts } = await web.chat.postMessage({ channel: CHANNEL, text: 'card' });
    const link = await web.chat.getPermalink({ channel: CHANNEL, message_ts: ts ?? '' });
    expect(link.permalink).toBe(`https://contoso.slack.com/archives/${CHANNEL}/p${(ts ?? '').replace('.', '')}`);

    const eph = await web.chat.postEphemeral({ channel: CHANNEL, user: 'U0ALICE', text: 'only you' });
    expect(eph.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.ephemerals(CHANNEL)).toMatchObject([{ user: 'U0ALICE', text: 'only you' }]);
    expect(slack.messages(CHANNEL)).toHaveLength(1);

    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Approve' }, blocks: [] };
    const trigger = slack.issueTrigger();
    const opened = await web.views.open({ trigger_id: trigger, view });
    expect(opened.view?.id).toMatch(/^V/);
    expect(slack.views).toMatchObject([{ trigger_id: trigger, view: { type: 'modal' } }]);
    expect((await thrown<WebAPIPlatformError>(() => web.views.open({ trigger_id: trigger, view }))).data.error).toBe('exchanged_trigger_id');
  });

  it('conversations.info hides private channels the bot is not in; conversations.open gives one DM per user', async () => {
    const web = client();
    slack.addChannel('G0SECRET', { isPrivate: true, isMember: false });
    slack.addChannel('C0OLD', { isArchived: true });
    slack.addChannel('C0PUBLIC', { isMember: false });
    expect((await thrown<WebAPIPlatformError>(() => web.conversations.info({ channel: 'G0SECRET' }))).data.error).toBe('channel_not_found');
    expect((await web.conversations.info({ channel: 'C0OLD' })).channel).toMatchObject({ is_archived: true, is_member: true });
    expect((await web.conversations.info({ channel: 'C0PUBLIC' })).channel).toMatchObject({ is_archived: false, is_member: false, is_private: false });
    const dm = (await web.conversations.open({ users: 'U0ALICE' })).channel?.id;
    expect(dm).toMatch(/^D/);
    expect((await web.conversations.open({ users: 'U0ALICE' })).channel?.id).toBe(dm);
    expect((await web.conversations.open({ users: 'U0BOB' })).channel?.id).not.toBe(dm);
  });

  it('receives filesUploadV2 as a file shared into the thread', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: CHANNEL, text: 'Build failed' });
    const parentTs = ts ?? '';
    const content = 'Step 1/3 : FROM node:24\nerror: returned a non-zero code: 1\n';
    const result = await web.filesUploadV2({
      channel_id: CHANNEL,
      thread_ts: parentTs,
      content,
      filename: 'build.log',
      title: 'Build log',
      initial_comment: 'Build failed: full log',
    });
    expect(result.ok).toBe(true);

    const files = slack.files;
    expect(files).toHaveLength(1);
    const file = files[0];
    expect(file?.content).toBe(content);
    expect(file?.bytes.length).toBe(Buffer.byteLength(content));
    expect(file).toMatchObject({
      filename: 'build.log',
      title: 'Build log',
      channel: CHANNEL,
      threadTs: parentTs,
      initialComment: 'Build failed: full log',
      declaredLength: Buffer.byteLength(content),
    });

    const thread = slack.thread(CHANNEL, parentTs);
    expect(thread).toHaveLength(1);
    expect(thread[0]?.files?.map((f) => f.id)).toEqual([file?.id]);
    expect(thread[0]?.text).toBe('Build failed: full log');
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const upload = slack.callsTo('upload')[0];
    expect(upload?.contentType).toMatch(/^multipart\/form-data; boundary=/); // WebClient sends a multipart body
  });

  it('refuses completing a file that was never uploaded, and a zero length', async () => {
    const web = client();
    const url = await web.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(url.upload_url).toBe(`${slack.baseUrl}/upload/${url.file_id}`);
    const notUploaded = await thrown<WebAPIPlatformError>(() => web.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: CHANNEL }));
    expect(notUploaded.data.error).toBe('file_not_found');
    const zero = await thrown<WebAPIPlatformError>(() => web.files.getUploadURLExternal({ filename: 'a.txt', length: 0 }));
    expect(zero.data.error).toBe('missing_argument');
    expect(slack.files).toEqual([]);
    expect(slack.uploads.map((f) => f.uploaded)).toEqual([false]);
    expect(slack.allMessages(CHANNEL)).toEqual([]);
  });
});

describe('fault injection', () => {
  it('429 with Retry-After: the default WebClient waits, retries and succeeds', { timeout: 15_000 }, async () => {
    const web = new WebClient(TOKEN, { slackApiUrl: slack.apiUrl, logLevel: WebLogLevel.ERROR }); // default retry policy
    const rateLimited: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));
    slack.rateLimit({ method: 'chat.postMessage', forMs: 500, retryAfterSeconds: 1 });

    const started = Date.now();
    const res = await web.chat.postMessage({ channel: CHANNEL, text: 'after the limit' });
    const elapsed = Date.now() - started;

    expect(res.ok).toBe(true);
    expect(rateLimited).toEqual([1]);
    expect(elapsed).toBeGreaterThanOrEqual(1000); // honoured Retry-After
    const statuses = slack.callsTo('chat.postMessage').map((c) => c.status);
    expect(statuses).toEqual([429, 200]);
    expect(slack.callsTo('chat.postMessage')[0]).toMatchObject({ ok: false, error: 'ratelimited', fault: 'ratelimited' });
    expect(slack.messages(CHANNEL).map((m) => m.text)).toEqual(['after the limit']);
  });

  it('429 with rejectRateLimitedCalls: throws a rate-limited error carrying retryAfter', async () => {
    const web = client({ rejectRateLimitedCalls: true });
    slack.rateLimit({ forMs: 5_000, retryAfterSeconds: 7 });
    const error = await thrown<WebAPIRateLimitedError>(() => web.chat.postMessage({ channel: CHANNEL, text: 'x' }));
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect(slack.calls.map((c) => c.status)).toEqual([429]);
    expect(slack.allMessages(CHANNEL)).toEqual([]);

    // The window covers every API method when no method is named, but not the response_url receiver.
    const auth = await thrown<WebAPIRateLimitedError>(() => web.auth.test());
    expect(auth.retryAfter).toBe(7);
    slack.clearFaults();
    expect((await web.auth.test()).ok).toBe(true);
  });

  it('HTTP 500: WebClient retries and succeeds; too many failures surface as an HTTP error', async () => {
    const web = client();
    slack.failNext({ method: 'chat.postMessage', status: 500, times: 2 });
    const res = await web.chat.postMessage({ channel: CHANNEL, text: 'third time lucky' });
    expect(res.ok).toBe(true);
    expect(slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500, 500, 200]);
    expect(slack.allMessages(CHANNEL)).toHaveLength(1);

    slack.reset();
    slack.failNext({ method: 'chat.postMessage', status: 503, times: 3 });
    const error = await thrown<WebAPIHTTPError>(() => web.chat.postMessage({ channel: CHANNEL, text: 'never' }));
    expect(error.code).toBe(ErrorCode.HTTPError);
    expect(error.statusCode).toBe(503);
    expect(slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([503, 503, 503]);
    expect(slack.allMessages(CHANNEL)).toEqual([]);
  });

  it('platform errors are not retried and do not change state', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: CHANNEL, text: 'v1' });
    slack.errorNext({ method: 'chat.update', error: 'not_in_channel' });
    const error = await thrown<WebAPIPlatformError>(() => web.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'v2' }));
    expect(error.data.error).toBe('not_in_channel');
    expect(slack.callsTo('chat.update')).toHaveLength(1);
    expect(slack.messages(CHANNEL)[0]).toMatchObject({ text: 'v1', history: [] });
    await web.chat.update({ channel: CHANNEL, ts: ts ?? '', text: 'v2' }); // the fault was used up
    expect(slack.messages(CHANNEL)[0]?.text).toBe('v2');
  });

  it('records response_url posts', async () => {
    const url = slack.responseUrl('cmd-1');
    expect(url).toBe(`${slack.baseUrl}/response/cmd-1`);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(slack.responses).toMatchObject([{ id: 'cmd-1', body: { response_type: 'ephemeral', text: 'hi' } }]);
    slack.failNext({ method: 'response_url', status: 500 });
    expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(500);
    expect(slack.responses).toHaveLength(1);
  });
});

describe('interaction limits', () => {
  const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
  const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Why?' }, blocks: [] };

  it('a trigger opens a view only when the emulator issued it, within three seconds, once', async () => {
    const web = client();
    expect((await thrown<WebAPIPlatformError>(() => web.views.open({ trigger_id: '1.2.made-up', view }))).data.error).toBe('invalid_trigger_id');
    const fresh = slack.issueTrigger();
    await web.views.open({ trigger_id: fresh, view });
    expect((await thrown<WebAPIPlatformError>(() => web.views.open({ trigger_id: fresh, view }))).data.error).toBe('exchanged_trigger_id');
    const old = slack.issueTrigger();
    slack.ageTrigger(old, 3100);
    expect((await thrown<WebAPIPlatformError>(() => web.views.open({ trigger_id: old, view }))).data.error).toBe('expired_trigger_id');
    expect(slack.views).toHaveLength(1);
  });

  it('views.update replaces an open view, and refuses a stale hash', async () => {
    const web = client();
    const opened = await web.views.open({ trigger_id: slack.issueTrigger(), view });
    const updated = await web.views.update({
      view_id: opened.view!.id!,
      hash: opened.view!.hash!,
      view: { ...view, title: { type: 'plain_text', text: 'Done' } },
    });
    expect(slack.views[0]).toMatchObject({ updates: 1, view: { title: { text: 'Done' } } });
    expect((await thrown<WebAPIPlatformError>(() => web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }))).data.error).toBe(
      'hash_conflict',
    );
    expect(updated.view?.hash).not.toBe(opened.view!.hash);
    expect((await thrown<WebAPIPlatformError>(() => web.views.update({ view_id: 'V0NOPE', view }))).data.error).toBe('not_found');
  });

  it('a response_url takes five posts within thirty minutes, and only if the emulator issued it', async () => {
    const url = slack.responseUrl('limits-1');
    for (let i = 0; i < 5; i++) expect((await post(url)).status).toBe(200);
    const sixth = await post(url);
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    const late = slack.responseUrl('limits-2');
    slack.ageResponseUrl(late, 30 * 60_000 + 1);
    const expired = await post(late);
    expect([expired.status, await expired.text()]).toEqual([404, 'expired_url']);
    const made = await post(`${slack.baseUrl}/response/never-issued`);
    expect([made.status, await made.text()]).toEqual([404, 'invalid_url']);
    expect(slack.responses).toHaveLength(5);
  });

  it('a response_url refuses a message Slack would refuse anywhere, without counting it as a use', async () => {
    const url = slack.responseUrl('limits-3');
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    const send = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const tooLong = await send({ text: 'x', blocks: Array.from({ length: 6 }, () => section('y'.repeat(2900))) });
    expect([tooLong.status, await tooLong.text()]).toEqual([400, 'msg_blocks_too_long']);
    const invalid = await send({ text: 'x', blocks: [section('z'.repeat(3001))] });
    expect([invalid.status, await invalid.text()]).toEqual([400, 'invalid_blocks']);
    expect(slack.responses).toHaveLength(0);
    for (let i = 0; i < 5; i++) expect((await send({ text: 'fine' })).status).toBe(200);
  });

  it('slows down the answers of one method', async () => {
    slack.setUsergroup('S0SLOW', ['U0ALICE']);
    slack.slowDown({ method: 'usergroups.users.list', ms: 400, times: 1 });
    const web = client();
    let started = performance.now();
    await web.usergroups.users.list({ usergroup: 'S0SLOW' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    started = performance.now();
    await web.usergroups.users.list({ usergroup: 'S0SLOW' });
    expect(performance.now() - started).toBeLessThan(390);
  });
});

describe('a Bolt App on its HTTP receiver', () => {
  const SECRET = 'bolt-signing-secret';
  let app: App;
  let eventsUrl: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    slack.reset();
    app = new App({
      signingSecret: SECRET,
      token: TOKEN,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      logger: {
        debug: () => {},
        info: () => {},
        warn: (...msg: unknown[]) => void warnings.push(msg.map(String).join(' ')),
        error: (...msg: unknown[]) => void warnings.push(msg.map(String).join(' ')),
        setLevel: () => {},
        getLevel: () => LogLevel.WARN,
        setName: () => {},
      },
    });
    app.command('/deploy', async ({ ack, command, client: web, respond }) => {
      await ack({ response_type: 'ephemeral', text: `Queued ${command.text}` });
      await respond({ response_type: 'ephemeral', text: 'Working on it' });
      await web.chat.postMessage({
        channel: command.channel_id,
        text: `Deploy ${command.text} requested by <@${command.user_id}>`,
        blocks: [
          {
            type: 'actions',
            block_id: 'approval',
            elements: [{ type: 'button', action_id: 'approve', value: command.text, text: { type: 'plain_text', text: 'Approve' } }],
          },
        ],
      });
    });
    app.action<BlockAction>('approve', async ({ ack, body, client: web }) => {
      await ack();
      await web.chat.update({ channel: body.channel?.id ?? '', ts: body.message?.ts ?? '', text: `Approved by <@${body.user.id}>`, blocks: [] });
    });
    const server = await app.start(0);
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
  });

  const command = (text: string) =>
    slashCommandBody({
      command: '/deploy',
      text,
      userId: 'U0ALICE',
      channelId: CHANNEL,
      teamId: TEAM,
      apiAppId: 'A0CHATOPS',
      responseUrl: slack.responseUrl('deploy-1'),
    });

  it('calls auth.test at startup', async () => {
    await slack.waitFor(() => slack.callsTo('auth.test').length > 0);
    expect(slack.callsTo('auth.test')[0]).toMatchObject({ status: 200, ok: true, token: TOKEN });
  });

  it('acks a signed slash command in time, answers on response_url and posts through the emulator', async () => {
    const res = await postSigned(eventsUrl, command('web:v1'), { secret: SECRET });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Queued web:v1' });
    expect(res.elapsedMs).toBeLessThan(3000);

    const card = await slack.waitFor(() => slack.messages(CHANNEL).find((m) => m.text.includes('web:v1')));
    expect(card.text).toBe('Deploy web:v1 requested by <@U0ALICE>');
    expect(card.user).toBe(BOT_USER);
    await slack.waitFor(() => slack.responses.length === 1);
    expect(slack.responses[0]).toMatchObject({ id: 'deploy-1', body: { response_type: 'ephemeral', text: 'Working on it' } });

    const click = blockActionsBody({
      userId: 'U0BOB',
      teamId: TEAM,
      apiAppId: 'A0CHATOPS',
      channelId: CHANNEL,
      messageTs: card.ts,
      actionId: 'approve',
      value: 'web:v1',
      blockId: 'approval',
      responseUrl: slack.responseUrl('act-1'),
    });
    const clicked = await postSigned(eventsUrl, click, { secret: SECRET });
    expect(clicked.status).toBe(200);
    await slack.waitFor(() => slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.text === 'Approved by <@U0BOB>');
    expect(slack.messages(CHANNEL).find((m) => m.ts === card.ts)?.history).toHaveLength(1);
  });

  it('answers 401 to forged, stale and unsigned requests and runs no listener', async () => {
    slack.reset();
    const forged = await postSigned(eventsUrl, command('web:evil'), { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    expect(forged.text).toBe('');
    const tampered = await postSigned(eventsUrl, command('web:evil'), { secret: SECRET, signature: signBody(SECRET, command('web:other')).signature });
    expect(tampered.status).toBe(401);
    const stale = await postSigned(eventsUrl, command('web:evil'), { secret: SECRET, tsSeconds: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: command('web:evil') });
    expect(unsigned.status).toBe(401);
    expect(warnings.some((w) => w.includes('Failed to verify authenticity'))).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.calls).toEqual([]);
    expect(slack.responses).toEqual([]);
  });
});

describe('the Home tab: views.publish and app_home_opened', () => {
  const SECRET = 'home-signing-secret';
  const home = (blocks: unknown[]) => ({ type: 'home' as const, blocks: blocks as never[] });
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it('publishes a Home view per user, keeps its id, changes its hash, and refuses a stale hash', async () => {
    slack.reset();
    const web = client();
    const first = await web.views.publish({ user_id: 'U0ALICE', view: home([section('Hello')]) });
    expect(first.view).toMatchObject({ type: 'home', blocks: [section('Hello')], team_id: TEAM });
    const second = await web.views.publish({ user_id: 'U0ALICE', view: home([section('Again')]), hash: first.view!.hash! });
    expect(second.view!.id).toBe(first.view!.id);
    expect(second.view!.hash).not.toBe(first.view!.hash);
    expect(slack.homeView('U0ALICE')!.view.blocks).toEqual([section('Again')]);
    expect(
      (await thrown<WebAPIPlatformError>(() => web.views.publish({ user_id: 'U0ALICE', view: home([section('Late')]), hash: first.view!.hash! }))).data.error,
    ).toBe('hash_conflict');
    expect(slack.homePublishes.map((p) => p.userId)).toEqual(['U0ALICE', 'U0ALICE']);
  });

  it('refuses what Slack refuses: a bad user id, a non-Home view, more than 100 blocks, over-long text, a Home tab that is not enabled', async () => {
    slack.reset();
    const web = client();
    const badUser = await thrown<WebAPIPlatformError>(() => web.views.publish({ user_id: 'alice', view: home([section('x')]) }));
    expect(badUser.data).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['invalid `user_id`'] } });
    expect(
      (
        await thrown<WebAPIPlatformError>(() =>
          web.views.publish({ user_id: 'U0ALICE', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } as never }),
        )
      ).data.error,
    ).toBe('invalid_arguments');
    const tooMany = await thrown<WebAPIPlatformError>(() =>
      web.views.publish({ user_id: 'U0ALICE', view: home(Array.from({ length: 101 }, (_, i) => section(`${i}`))) }),
    );
    expect(tooMany.data.error).toBe('invalid_blocks');
    const long = await thrown<WebAPIPlatformError>(() => web.views.publish({ user_id: 'U0ALICE', view: home([section('x'.repeat(3001))]) }));
    expect(JSON.stringify(long.data)).toContain('/view/blocks/0/text/text');
    const button = { type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'y'.repeat(76) } }] };
    expect((await thrown<WebAPIPlatformError>(() => web.views.publish({ user_id: 'U0ALICE', view: home([button]) }))).data.error).toBe('invalid_blocks');
    expect(slack.homeView('U0ALICE')).toBeUndefined();
    await web.views.publish({ user_id: 'U0ALICE', view: home(Array.from({ length: 100 }, (_, i) => section(`${i}`))) });
    slack.addToken('xoxb-no-home', { teamId: TEAM, botUserId: 'U0NOHOME', homeTabEnabled: false });
    expect(
      (await thrown<WebAPIPlatformError>(() => client({}, 'xoxb-no-home').views.publish({ user_id: 'U0ALICE', view: home([section('x')]) }))).data.error,
    ).toBe('not_enabled');
  });

  it('delivers a signed app_home_opened event that Bolt verifies, with the current view once one was published', async () => {
    slack.reset();
    const opened: { user: string; tab?: string; view?: { blocks: unknown[] } }[] = [];
    const app = new App({
      signingSecret: SECRET,
      token: TOKEN,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
      logLevel: LogLevel.ERROR,
    });
    app.event('app_home_opened', async ({ event }) => void opened.push(event as never));
    const server = await app.start(0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    try {
      const deliver = (event: Record<string, unknown>, secret = SECRET) =>
        postSigned(url, eventCallbackBody({ teamId: TEAM, apiAppId: 'A0CHATOPS', event }), { secret, headers: { 'Content-Type': 'application/json' } });
      expect((await deliver(slack.appHomeOpenedEvent('U0ALICE'))).status).toBe(200);
      await client().views.publish({ user_id: 'U0ALICE', view: home([section('Mine')]) });
      expect((await deliver(slack.appHomeOpenedEvent('U0ALICE'))).status).toBe(200);
      expect((await deliver(slack.appHomeOpenedEvent('U0ALICE'), 'forged')).status).toBe(401);
      await slack.waitFor(() => opened.length === 2);
      expect(opened[0]).toMatchObject({ user: 'U0ALICE', tab: 'home' });
      expect(opened[0]!.view).toBeUndefined();
      expect(opened[1]!.view!.blocks).toEqual([section('Mine')]);
    } finally {
      await app.stop();
    }
  });
});
