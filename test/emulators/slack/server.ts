/**
 * The HTTP server of the Slack emulator and its public handle, {@link SlackEmulator}.
 *
 * Routes:
 * - `/api/<method>` — Web API (form, JSON or multipart bodies; GET query arguments too);
 * - `/upload/<fileId>` — upload URLs returned by `files.getUploadURLExternal`;
 * - `/response/<id>` — `response_url` receiver.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { parseApiRequest, parseResponseUrlBody, parseUploadBody, readRaw } from './body.ts';
import { checkMessage } from './block-kit.ts';
import { Faults } from './faults.ts';
import type { ErrorNextOptions, FailNextOptions, FaultDecision, LoseAnswerOptions, RateLimitOptions } from './faults.ts';
import { receiveUpload, UPLOAD_PATH } from './files.ts';
import { Latency, type SlowDownOptions } from './latency.ts';
import { RateLimits, type SlackLimitsOptions } from './limits.ts';
import { resolveChannel } from './methods/common.ts';
import { ResponseUrlLimits } from './response-urls.ts';
import { METHODS } from './methods/index.ts';
import type { MethodResult } from './methods/index.ts';
import { resolveIdentity, SlackStore } from './store.ts';
import { RESPONSE_URL_METHOD, UPLOAD_METHOD } from './types.ts';
import type {
  EmulatedChannel,
  EmulatedEphemeral,
  EmulatedFile,
  EmulatedHomeView,
  EmulatedMessage,
  EmulatedUser,
  EmulatedView,
  RecordedCall,
  RecordedResponse,
  TokenIdentity,
} from './types.ts';

/** Options of {@link startSlackEmulator}. */
export interface SlackEmulatorOptions {
  /** Port to listen on (127.0.0.1). `0` or omitted → a free port. */
  port?: number;
  /** Initial value of {@link SlackEmulator.strictChannels}. Default `false`. */
  strictChannels?: boolean;
  /** Slack's rate limits (posts per channel, per-method tiers); on by default, `false` turns them off. */
  limits?: SlackLimitsOptions | false;
}

const API_PATH = '/api/';
const RESPONSE_PATH = '/response/';
const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function copyFile(file: EmulatedFile): EmulatedFile {
  const { bytes, ...rest } = file;
  return { ...structuredClone(rest), bytes: Buffer.from(bytes) };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * A running Slack Web API emulator. Point a `WebClient` (or Bolt's
 * `clientOptions.slackApiUrl`) at {@link SlackEmulator.apiUrl}.
 *
 * State accessors return deep copies; mutate the emulator only through its methods.
 */
export class SlackEmulator {
  /** Port the server listens on. */
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT/api/` — the `slackApiUrl` to give WebClient. */
  readonly apiUrl: string;
  /**
   * When `true`, channels not registered with {@link addChannel} answer `channel_not_found`
   * (`chat.*`, `conversations.info`, `files.completeUploadExternal`).
   */
  strictChannels: boolean;

  private readonly store = new SlackStore();
  private readonly faults = new Faults();
  private readonly latency = new Latency();
  private readonly responseUrlLimits = new ResponseUrlLimits();
  private readonly limits: RateLimits;
  private readonly server: Server;

  private constructor(server: Server, port: number, options: SlackEmulatorOptions) {
    this.server = server;
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}${API_PATH}`;
    this.strictChannels = options.strictChannels ?? false;
    this.limits = new RateLimits(options.limits ?? {});
  }

  /** Starts a server; prefer {@link startSlackEmulator}. */
  static async start(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
    let emulator: SlackEmulator | undefined;
    const server = createServer((req, res) => {
      if (!emulator) {
        sendText(res, 503, 'starting');
        return;
      }
      emulator.handle(req, res).catch((error: unknown) => {
        console.error('[slack-emulator] internal error', error);
        if (!res.headersSent) sendText(res, 500, `emulator error: ${String(error)}`);
        else res.end();
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    emulator = new SlackEmulator(server, port, options);
    return emulator;
  }

  // ---------------------------------------------------------------- configuration

  /** Accepts `token` from now on, as the bot described by `identity`; also registers the bot user. */
  addToken(token: string, identity: TokenIdentity): void {
    const resolved = resolveIdentity(token, identity);
    this.store.tokens.set(token, resolved);
    if (!this.store.users.has(resolved.botUserId)) {
      this.store.users.set(resolved.botUserId, { id: resolved.botUserId, name: resolved.userName, is_bot: true, team_id: resolved.teamId });
    }
  }

  /**
   * Registers a channel. `isMember: false`: the bot never joined (public: it can still post with
   * `chat:write.public`, not upload or post ephemerals; private: it cannot see the channel, not even
   * in `conversations.info`). `isArchived: true`: every write answers `is_archived`, and
   * `conversations.info` shows it.
   */
  addChannel(id: string, options: { name?: string; isPrivate?: boolean; isMember?: boolean; isArchived?: boolean } = {}): void {
    const channel: EmulatedChannel = {
      id,
      name: options.name ?? id.toLowerCase(),
      is_private: options.isPrivate ?? false,
      is_member: options.isMember ?? true,
      is_archived: options.isArchived ?? false,
    };
    this.store.channels.set(id, channel);
  }

  /** Changes a registered channel as people would: remove the bot (`isMember: false`), archive it, bring it back. */
  setChannel(id: string, change: { isMember?: boolean; isArchived?: boolean }): void {
    const channel = this.store.channels.get(id);
    if (!channel) throw new Error(`unknown channel ${id}: addChannel it first`);
    if (change.isMember !== undefined) channel.is_member = change.isMember;
    if (change.isArchived !== undefined) channel.is_archived = change.isArchived;
  }

  /**
   * Deletes a message as a person in the channel would (an admin deleting the bot's card). A
   * parent with replies stays as a tombstone so its thread lives on; `chat.update` of it then
   * answers `message_not_found`.
   */
  deleteMessage(channel: string, ts: string): void {
    if (!this.store.deleteMessage(resolveChannel(channel), ts)) throw new Error(`no message ${ts} in ${channel}`);
  }

  /**
   * Makes every call with `token` answer `error` (HTTP 200, `ok:false`) until {@link restoreToken}:
   * `token_revoked` (uninstalled app, revoked token), `invalid_auth`, `account_inactive`.
   */
  breakToken(token: string, error: 'token_revoked' | 'invalid_auth' | 'account_inactive' = 'token_revoked'): void {
    this.store.brokenTokens.set(token, error);
  }

  /** The token works again (a reinstall, an admin restoring the account). */
  restoreToken(token: string): void {
    this.store.brokenTokens.delete(token);
  }

  /** Registers (or replaces) a user for `users.info`. */
  addUser(user: EmulatedUser): void {
    this.store.users.set(user.id, structuredClone(user));
  }

  /** Sets the members of a usergroup for `usergroups.users.list`. */
  setUsergroup(id: string, userIds: readonly string[]): void {
    this.store.usergroups.set(id, [...userIds]);
  }

  // ---------------------------------------------------------------- state

  /**
   * Channel history as a client would see it: top-level messages and broadcast replies, oldest
   * first, with updates applied and earlier versions in `history`. Thread replies are in {@link thread}.
   */
  messages(channel: string): EmulatedMessage[] {
    return structuredClone((this.store.messagesByChannel.get(channel) ?? []).filter((m) => !SlackStore.isReply(m) || m.reply_broadcast === true));
  }

  /** Every message of a channel (top level and replies), in posting order. */
  allMessages(channel: string): EmulatedMessage[] {
    return structuredClone(this.store.messagesByChannel.get(channel) ?? []);
  }

  /** Replies to the message `ts` in `channel` (parent excluded), oldest first. */
  thread(channel: string, ts: string): EmulatedMessage[] {
    return structuredClone((this.store.messagesByChannel.get(channel) ?? []).filter((m) => SlackStore.isReply(m) && m.thread_ts === ts));
  }

  /** Ephemeral messages, optionally of one channel. */
  ephemerals(channel?: string): EmulatedEphemeral[] {
    return structuredClone(this.store.ephemerals.filter((e) => channel === undefined || e.channel === channel));
  }

  /**
   * Files that exist in the workspace: uploaded *and* completed by `files.completeUploadExternal`,
   * in creation order, with `content` as text. (A file is not visible before completion, so
   * `waitFor(() => files.length > 0)` never sees a half-done upload.)
   */
  get files(): EmulatedFile[] {
    return [...this.store.files.values()].filter((f) => f.completed).map(copyFile);
  }

  /** Every file that got an upload URL, completed or not (check `uploaded` / `completed`). */
  get uploads(): EmulatedFile[] {
    return [...this.store.files.values()].map(copyFile);
  }

  /** Views opened with `views.open`. */
  get views(): EmulatedView[] {
    return structuredClone(this.store.views);
  }

  /** The Home tab `userId` sees now (the last `views.publish` for them), if any. */
  homeView(userId: string): EmulatedHomeView | undefined {
    const view = this.store.homeViews.get(userId);
    return view && structuredClone(view);
  }

  /** Every Home tab published, oldest first. */
  get homePublishes(): EmulatedHomeView[] {
    return structuredClone(this.store.homePublishes);
  }

  /**
   * The `app_home_opened` event Slack sends when `userId` opens the app's Home (`tab: 'home'`)
   * or its Messages tab, per docs.slack.dev/reference/events/app_home_opened: `user`, the DM
   * `channel`, `tab`, `event_ts`, and the current Home `view` once one has been published.
   * Wrap it with `eventCallbackBody` (test/helpers/slack-requests.ts) and sign it to deliver it.
   */
  appHomeOpenedEvent(userId: string, tab: 'home' | 'messages' = 'home'): Record<string, unknown> {
    const home = this.store.homeViews.get(userId);
    const identity = [...this.store.tokens.values()][0];
    return {
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId.slice(1)}`,
      tab,
      event_ts: this.store.clock.next(),
      ...(tab === 'home' &&
        home && {
          view: {
            id: home.id,
            team_id: identity?.teamId,
            type: 'home',
            blocks: structuredClone(home.view.blocks),
            private_metadata: home.view.private_metadata ?? '',
            callback_id: home.view.callback_id ?? '',
            hash: home.hash,
            clear_on_close: false,
            notify_on_close: false,
            root_view_id: home.id,
            app_id: identity?.appId,
            external_id: '',
            app_installed_team_id: identity?.teamId,
            bot_id: identity?.botId,
          },
        }),
    };
  }

  /** Every request answered, oldest first (rejected ones included, with their status). */
  get calls(): RecordedCall[] {
    return structuredClone(this.store.calls);
  }

  /** POSTs received at `response_url`s, oldest first. */
  get responses(): RecordedResponse[] {
    return structuredClone(this.store.responses);
  }

  /** Calls to one method (`chat.postMessage`, or `upload` / `response_url`). */
  callsTo(method: string): RecordedCall[] {
    return structuredClone(this.store.calls.filter((c) => c.method === method));
  }

  /**
   * A `response_url` on this emulator: `http://127.0.0.1:PORT/response/<id>` (random id when
   * omitted). It accepts 5 posts within 30 minutes of this call (see `response-urls.ts`); a
   * URL the emulator did not hand out is refused.
   */
  responseUrl(id: string = randomUUID()): string {
    this.responseUrlLimits.issue(id);
    return `${this.baseUrl}${RESPONSE_PATH}${encodeURIComponent(id)}`;
  }

  /** Makes a response_url (its URL or id) as old as if it had been issued `ms` earlier (a job that ran that long). */
  ageResponseUrl(urlOrId: string, ms: number): void {
    this.responseUrlLimits.age(decodeURIComponent(urlOrId.slice(urlOrId.lastIndexOf('/') + 1)), ms);
  }

  /**
   * A `trigger_id` as Slack puts in a command or click payload (`398738663015.47445629121.<32 hex>`
   * unless `id` is given), issued now: `views.open` takes it for 3 s, once, and refuses triggers
   * the emulator did not issue (see `triggers.ts`).
   */
  issueTrigger(id?: string): string {
    return this.store.triggers.issue(id);
  }

  /** Makes a trigger as old as if it had been issued `ms` earlier. */
  ageTrigger(id: string, ms: number): void {
    this.store.triggers.age(id, ms);
  }

  /**
   * Clears messages, ephemerals, files, views (Home tabs too), responses, calls, faults,
   * slow-downs, broken tokens, rate-limit buckets and the issue times of triggers and response_urls.
   * Tokens, channels, users, usergroups and `strictChannels` are kept.
   */
  reset(): void {
    this.store.clearTraffic();
    this.faults.clear();
    this.latency.clear();
    this.responseUrlLimits.clear();
    this.limits.clear();
  }

  /**
   * Polls `predicate` every `intervalMs` until it returns a truthy value, which is resolved.
   * A predicate that throws (e.g. a failing `expect`) counts as "not yet"; on timeout the last
   * error is included in the rejection.
   */
  async waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 2000, intervalMs = 10): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await predicate();
        if (value) return value as NonNullable<T>;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
        throw new Error(`waitFor timed out after ${timeoutMs} ms${detail}`, { cause: lastError });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  // ---------------------------------------------------------------- faults

  /** Answers matching calls with HTTP 429, `Retry-After` and `{ok:false,error:"ratelimited"}` for `forMs`. */
  rateLimit(options: RateLimitOptions): void {
    this.faults.rateLimit(options);
  }

  /** Answers the next `times` matching calls with an HTTP 5xx (plain-text body). */
  failNext(options: FailNextOptions): void {
    this.faults.failNext(options);
  }

  /** Answers the next `times` matching calls with HTTP 200 `{ok:false,error}`. */
  errorNext(options: ErrorNextOptions): void {
    this.faults.errorNext(options);
  }

  /** Delays the answers of matching Web API calls (see `latency.ts`). */
  slowDown(options: SlowDownOptions): void {
    this.latency.add(options);
  }

  /** Carries out the next matching call but loses its answer (see {@link Faults.loseAnswer}). */
  loseAnswer(options: LoseAnswerOptions): void {
    this.faults.loseAnswer(options);
  }

  /** Removes all injected faults and slow-downs. */
  clearFaults(): void {
    this.faults.clear();
    this.latency.clear();
  }

  /** Stops the server, dropping open keep-alive connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  // ---------------------------------------------------------------- request handling

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname.startsWith(API_PATH)) return this.handleApi(req, res, url);
    if (url.pathname.startsWith(UPLOAD_PATH) && req.method === 'POST') return this.handleUpload(req, res, url);
    if (url.pathname.startsWith(RESPONSE_PATH) && req.method === 'POST') return this.handleResponseUrl(req, res, url);
    await readRaw(req);
    sendText(res, 404, 'not found');
  }

  private record(call: RecordedCall): void {
    this.store.calls.push(call);
  }

  /** Sends the answer of an injected fault; returns the recorded status / error. */
  private sendFault(res: ServerResponse, fault: FaultDecision): Pick<RecordedCall, 'status' | 'ok' | 'error' | 'fault'> {
    switch (fault.kind) {
      case 'ratelimited':
        if (fault.inBody) {
          sendJson(res, 200, { ok: false, error: 'ratelimited' });
          return { status: 200, ok: false, error: 'ratelimited', fault: 'ratelimited' };
        }
        sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
        return { status: 429, ok: false, error: 'ratelimited', fault: 'ratelimited' };
      case 'http_error':
        sendText(res, fault.status, STATUS_TEXT[fault.status] ?? 'Server Error');
        return { status: fault.status, fault: 'http_error' };
      case 'platform_error':
        sendJson(res, 200, { ok: false, error: fault.error });
        return { status: 200, ok: false, error: fault.error, fault: 'platform_error' };
    }
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const time = Date.now();
    const method = decodeURIComponent(url.pathname.slice(API_PATH.length));
    const parsed = await parseApiRequest(req, url);
    const delay = this.latency.take(method);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const base = {
      method,
      args: parsed.args,
      ...(parsed.token !== undefined ? { token: parsed.token } : {}),
      contentType: parsed.contentType,
      time,
    };

    const fault = this.faults.take(method);
    if (fault) {
      this.record({ ...base, ...this.sendFault(res, fault) });
      return;
    }

    const headers: Record<string, string> = {};
    let result: MethodResult;
    const handler = METHODS[method];
    if (parsed.parseError !== undefined) {
      result = { ok: false, error: parsed.parseError };
    } else if (method === 'api.test') {
      result = { ok: true, args: parsed.args };
    } else if (!handler) {
      result = { ok: false, error: 'unknown_method', req_method: method };
    } else if (parsed.token === undefined) {
      result = { ok: false, error: 'not_authed' };
    } else if (this.store.brokenTokens.has(parsed.token)) {
      result = { ok: false, error: this.store.brokenTokens.get(parsed.token)! };
    } else {
      const identity = this.store.tokens.get(parsed.token);
      if (!identity) {
        result = { ok: false, error: 'invalid_auth' };
      } else {
        const limited = this.takeLimit(method, parsed.args);
        if (limited) {
          sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfterSeconds) });
          this.record({ ...base, status: 429, ok: false, error: 'ratelimited' });
          return;
        }
        if (identity.scopes.length > 0) headers['x-oauth-scopes'] = identity.scopes.join(',');
        result = handler({ args: parsed.args, identity, store: this.store, strictChannels: this.strictChannels, baseUrl: this.baseUrl });
        // Only a message that was posted uses up the channel's allowance.
        if (!result.ok) this.refundLimit(method, parsed.args);
      }
    }
    const lost = this.faults.takeLost(method);
    if (lost?.holdMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, lost.holdMs));
    } else if (lost) {
      sendText(res, 503, STATUS_TEXT[503]!);
      this.record({ ...base, status: 503, ok: result.ok, fault: 'lost_answer' });
      return;
    }
    if (res.destroyed) {
      this.record({ ...base, status: 0, ok: result.ok, fault: 'lost_answer' });
      return;
    }
    sendJson(res, 200, result, headers);
    this.record({ ...base, status: 200, ok: result.ok, ...(result.ok ? {} : { error: result.error }) });
  }

  /** The channel a call posts a message into, for the per-channel posting limit. */
  private postChannel(method: string, args: Record<string, unknown>): string | undefined {
    const channel = method === 'chat.postMessage' ? args.channel : method === 'files.completeUploadExternal' ? args.channel_id : undefined;
    return typeof channel === 'string' && channel !== '' ? resolveChannel(channel) : undefined;
  }

  /** Takes the call's rate-limit tokens; a wait in seconds when Slack would answer 429, `null` when under the limits. */
  private takeLimit(method: string, args: Record<string, unknown>): { retryAfterSeconds: number } | null {
    const byMethod = this.limits.takeMethod(method);
    if (byMethod !== undefined) return { retryAfterSeconds: byMethod };
    const channel = this.postChannel(method, args);
    const byChannel = channel === undefined ? undefined : this.limits.takePost(channel);
    return byChannel === undefined ? null : { retryAfterSeconds: byChannel };
  }

  private refundLimit(method: string, args: Record<string, unknown>): void {
    const channel = this.postChannel(method, args);
    if (channel !== undefined) this.limits.refundPost(channel);
  }

  private async handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const time = Date.now();
    const fileId = decodeURIComponent(url.pathname.slice(UPLOAD_PATH.length));
    const { bytes, contentType, filename } = await parseUploadBody(req);
    const base = {
      method: UPLOAD_METHOD,
      args: { file_id: fileId, size: bytes.length, ...(filename !== undefined ? { filename } : {}) },
      contentType,
      time,
    };
    const fault = this.faults.take(UPLOAD_METHOD);
    if (fault) {
      if (fault.kind === 'platform_error') {
        sendText(res, 400, fault.error);
        this.record({ ...base, status: 400, error: fault.error, fault: 'platform_error' });
      } else {
        this.record({ ...base, ...this.sendFault(res, fault) });
      }
      return;
    }
    const outcome = receiveUpload(this.store, fileId, bytes);
    sendText(res, outcome.status, outcome.text);
    this.record({ ...base, status: outcome.status, ...(outcome.status === 200 ? {} : { error: outcome.text }) });
  }

  private async handleResponseUrl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const time = Date.now();
    const id = decodeURIComponent(url.pathname.slice(RESPONSE_PATH.length));
    const raw = await readRaw(req);
    const contentType = req.headers['content-type'] ?? '';
    const body = parseResponseUrlBody(raw, contentType);
    const base = {
      method: RESPONSE_URL_METHOD,
      args: { id, body },
      contentType,
      time,
    };
    const fault = this.faults.take(RESPONSE_URL_METHOD);
    if (fault) {
      const outcome = this.sendFault(res, fault);
      this.record({ ...base, ...outcome });
      return;
    }
    // A message sent to a response_url is checked like any other (assumed: the same limits as
    // chat.postMessage, the refusal as a plain-text 400 like incoming webhooks' `invalid_payload`).
    const message = typeof body === 'object' && body !== null ? (body as { text?: unknown; blocks?: unknown }) : {};
    const invalid = checkMessage(Array.isArray(message.blocks) ? message.blocks : undefined, typeof message.text === 'string' ? message.text : undefined);
    if (invalid && !invalid.ok) {
      sendText(res, 400, invalid.error);
      this.record({ ...base, status: 400, error: invalid.error });
      return;
    }
    const refused = this.responseUrlLimits.use(id);
    if (refused) {
      sendText(res, refused.status, refused.error);
      this.record({ ...base, status: refused.status, error: refused.error });
      return;
    }
    sendJson(res, 200, { ok: true });
    this.store.responses.push({ id, body, contentType, status: 200, time });
    this.record({ ...base, status: 200, ok: true });
  }
}

/** Starts a Slack Web API emulator on 127.0.0.1 (free port unless `port` is given). */
export function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  return SlackEmulator.start(options);
}
