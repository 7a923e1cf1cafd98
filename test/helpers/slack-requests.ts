/**
 * Drive a Bolt HTTP app the way Slack does: form-encoded bodies signed per
 * https://api.slack.com/authentication/verifying-requests-from-slack
 * (`v0:{timestamp}:{rawBody}`, HMAC-SHA256 with the signing secret, hex, prefixed `v0=`).
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto';

/** Signing secret of Slack's documented test vector. */
export const SLACK_DOC_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
/** `X-Slack-Request-Timestamp` of Slack's documented test vector (2018-07-12T18:36:58Z). */
export const SLACK_DOC_TIMESTAMP = 1531420618;
/** Raw body of Slack's documented test vector (a slash command). */
export const SLACK_DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
/** Expected `X-Slack-Signature` of Slack's documented test vector. */
export const SLACK_DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

/** Content type Slack uses for slash commands and interaction payloads (Bolt compares it exactly). */
export const SLACK_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** The result of {@link signBody}. */
export interface SignedBody {
  /** `v0=<hex>` */
  signature: string;
  /** Timestamp in seconds, as sent in `X-Slack-Request-Timestamp`. */
  timestamp: string;
  /** The three headers Slack sends: signature, timestamp and content type. */
  headers: Record<string, string>;
}

/** Current Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Signs `body` like Slack: `v0=` + hex(HMAC-SHA256(secret, `v0:{ts}:{body}`)). `tsSeconds` defaults to now. */
export function signBody(secret: string, body: string, tsSeconds: number = nowSeconds()): SignedBody {
  const timestamp = String(tsSeconds);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    signature,
    timestamp,
    headers: {
      'X-Slack-Signature': signature,
      'X-Slack-Request-Timestamp': timestamp,
      'Content-Type': SLACK_FORM_CONTENT_TYPE,
    },
  };
}

function digits(n: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < n) out += String(randomInt(0, 10));
  return out;
}

/** A random `trigger_id` shaped like Slack's: `398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c`. */
export function randomTriggerId(): string {
  return `${digits(12)}.${digits(11)}.${randomBytes(16).toString('hex')}`;
}

/** A Slack-style `action_ts` / message `ts` for the current time (`"1732760000.123456"`). */
export function slackTs(date: Date = new Date()): string {
  const ms = date.getTime();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + randomInt(0, 1000)).padStart(6, '0')}`;
}

/** Fields of a slash command (see https://docs.slack.dev/interactivity/implementing-slash-commands). */
export interface SlashCommandOptions {
  /** With the leading slash, e.g. `/acr`. */
  command: string;
  text: string;
  userId: string;
  channelId: string;
  teamId: string;
  apiAppId: string;
  responseUrl: string;
  /** Random Slack-shaped id when omitted. */
  triggerId?: string;
  /** Default `testteam`. */
  teamDomain?: string;
  /** Default: the user id lower-cased. */
  userName?: string;
  /** Default: the channel id lower-cased. */
  channelName?: string;
  /** Deprecated verification token Slack still sends; random when omitted. */
  token?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** Default `false`. */
  isEnterpriseInstall?: boolean;
}

/** A slash-command body, form-encoded with the fields and order Slack uses. */
export function slashCommandBody(options: SlashCommandOptions): string {
  const fields: [string, string][] = [
    ['token', options.token ?? randomBytes(12).toString('base64url').slice(0, 24)],
    ['team_id', options.teamId],
    ['team_domain', options.teamDomain ?? 'testteam'],
  ];
  if (options.enterpriseId !== undefined) fields.push(['enterprise_id', options.enterpriseId]);
  if (options.enterpriseName !== undefined) fields.push(['enterprise_name', options.enterpriseName]);
  fields.push(
    ['channel_id', options.channelId],
    ['channel_name', options.channelName ?? options.channelId.toLowerCase()],
    ['user_id', options.userId],
    ['user_name', options.userName ?? options.userId.toLowerCase()],
    ['command', options.command],
    ['text', options.text],
    ['api_app_id', options.apiAppId],
    ['is_enterprise_install', String(options.isEnterpriseInstall ?? false)],
    ['response_url', options.responseUrl],
    ['trigger_id', options.triggerId ?? randomTriggerId()],
  );
  return new URLSearchParams(fields).toString();
}

/** Fields of a button click (`block_actions`). */
export interface BlockActionsOptions {
  userId: string;
  teamId: string;
  apiAppId: string;
  channelId: string;
  /** `ts` of the message holding the button. */
  messageTs: string;
  actionId: string;
  value: string;
  responseUrl: string;
  /** Default `actions`. */
  blockId?: string;
  triggerId?: string;
  /** Default: the user id lower-cased. */
  userName?: string;
  /** Default `testteam`. */
  teamDomain?: string;
  /** Default: the channel id lower-cased. */
  channelName?: string;
  /** Button label, default the action id. */
  buttonText?: string;
  /** The message the button is on (blocks, text…); merged into `message`. */
  message?: Record<string, unknown>;
}

/**
 * The `block_actions` payload object of a button click
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
 */
export function blockActionsPayload(options: BlockActionsOptions): Record<string, unknown> {
  const userName = options.userName ?? options.userId.toLowerCase();
  const blockId = options.blockId ?? 'actions';
  return {
    type: 'block_actions',
    user: { id: options.userId, username: userName, name: userName, team_id: options.teamId },
    api_app_id: options.apiAppId,
    token: randomBytes(12).toString('base64url').slice(0, 24),
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channelId, is_ephemeral: false },
    trigger_id: options.triggerId ?? randomTriggerId(),
    team: { id: options.teamId, domain: options.teamDomain ?? 'testteam' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channelId, name: options.channelName ?? options.channelId.toLowerCase() },
    message: { type: 'message', ts: options.messageTs, text: '', ...options.message },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: blockId,
        text: { type: 'plain_text', text: options.buttonText ?? options.actionId, emoji: true },
        value: options.value,
        action_ts: slackTs(),
      },
    ],
  };
}

/** A `block_actions` body as Slack posts it: `payload=<url-encoded JSON>`. */
export function blockActionsBody(options: BlockActionsOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(options)) }).toString();
}

/** Options of {@link postSigned}. */
export interface PostSignedOptions {
  /** Signing secret to sign with (use a wrong one to forge). */
  secret: string;
  /** Timestamp to sign with and send; default now (use an old one for replay tests). */
  tsSeconds?: number;
  /** Sent instead of the computed signature (forged / malformed signatures). */
  signature?: string;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
}

/** What {@link postSigned} got back. */
export interface PostSignedResult {
  status: number;
  /** Raw response body. */
  text: string;
  /** `text` parsed as JSON, when it is JSON. */
  json?: unknown;
  /** Wall time from sending to the full response body, in ms. */
  elapsedMs: number;
  headers: Headers;
}

/** POSTs `body` to `url` signed like Slack (form content type, signature and timestamp headers). */
export async function postSigned(url: string, body: string, options: PostSignedOptions): Promise<PostSignedResult> {
  const signed = signBody(options.secret, body, options.tsSeconds);
  const headers: Record<string, string> = { ...signed.headers, ...options.headers };
  if (options.signature !== undefined) headers['X-Slack-Signature'] = options.signature;
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  if (text !== '') {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, text, ...(json !== undefined ? { json } : {}), elapsedMs, headers: response.headers };
}

/** Options of {@link viewSubmissionBody}. */
export interface ViewSubmissionOptions {
  userId: string;
  teamId: string;
  apiAppId: string;
  callbackId: string;
  privateMetadata: string;
  /** `state.values` as Slack sends it: block id → action id → `{ type, value }`. */
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  viewId?: string;
}

/**
 * A `view_submission` body as Slack posts it when a modal's submit button is pressed
 * (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload#view_submission).
 */
export function viewSubmissionBody(options: ViewSubmissionOptions): string {
  const payload = {
    type: 'view_submission',
    team: { id: options.teamId, domain: 'testteam' },
    user: { id: options.userId, username: options.userId.toLowerCase(), name: options.userId.toLowerCase(), team_id: options.teamId },
    api_app_id: options.apiAppId,
    token: randomBytes(12).toString('base64url').slice(0, 24),
    trigger_id: randomTriggerId(),
    view: {
      id: options.viewId ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
      team_id: options.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: options.privateMetadata,
      callback_id: options.callbackId,
      state: { values: options.values },
      hash: `${nowSeconds()}.abc`,
      title: { type: 'plain_text', text: 'Modal' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit' },
      previous_view_id: null,
      root_view_id: null,
      app_id: options.apiAppId,
      external_id: '',
      app_installed_team_id: options.teamId,
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Fields of an Events API delivery. */
export interface EventCallbackOptions {
  teamId: string;
  apiAppId: string;
  /** The inner event (e.g. `SlackEmulator.appHomeOpenedEvent(…)`). */
  event: Record<string, unknown>;
  /** The bot user the delivery is authorised for. */
  botUserId?: string;
}

/**
 * An Events API `event_callback` body, JSON as Slack POSTs it to the Request URL
 * (https://docs.slack.dev/apis/events-api/#callback-field): token, team_id, api_app_id, event,
 * type, event_id, event_time, authorizations, is_ext_shared_channel, event_context. Signed
 * like any other request (`postSigned` with a JSON content type).
 */
export function eventCallbackBody(options: EventCallbackOptions): string {
  return JSON.stringify({
    token: randomBytes(12).toString('base64url').slice(0, 24),
    team_id: options.teamId,
    api_app_id: options.apiAppId,
    event: options.event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: options.teamId, user_id: options.botUserId ?? 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(16).toString('base64url')}`,
  });
}

/** Fields of a button click on the app's Home tab. */
export interface HomeBlockActionsOptions {
  userId: string;
  teamId: string;
  apiAppId: string;
  /** The Home view the button is on, as `views.publish` stored it (`SlackEmulator.homeView`). */
  view: { id: string; hash: string; view: Record<string, unknown> };
  actionId: string;
  value: string;
  blockId?: string;
  triggerId?: string;
}

/**
 * A `block_actions` body for a button on a Home tab
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload): the container
 * is the view (`{type:"view", view_id}`), the payload carries the `view`, and, unlike a click
 * on a message, there is no `channel`, no `message` and no `response_url`.
 */
export function homeBlockActionsBody(options: HomeBlockActionsOptions): string {
  const userName = options.userId.toLowerCase();
  const payload = {
    type: 'block_actions',
    user: { id: options.userId, username: userName, name: userName, team_id: options.teamId },
    api_app_id: options.apiAppId,
    token: randomBytes(12).toString('base64url').slice(0, 24),
    container: { type: 'view', view_id: options.view.id },
    trigger_id: options.triggerId ?? randomTriggerId(),
    team: { id: options.teamId, domain: 'testteam' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      ...options.view.view,
      id: options.view.id,
      team_id: options.teamId,
      hash: options.view.hash,
      state: { values: {} },
      root_view_id: options.view.id,
      app_id: options.apiAppId,
      bot_id: 'B0BOT',
    },
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: options.blockId ?? 'home-actions',
        text: { type: 'plain_text', text: options.actionId, emoji: true },
        value: options.value,
        action_ts: slackTs(),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
