/**
 * Shared plumbing of the Web API method handlers.
 */
import type { SlackStore } from '../store.ts';
import type { EmulatedMessage, ResolvedIdentity } from '../types.ts';

/** Everything a method handler may read or change. */
export interface MethodContext {
  /** Parsed arguments (see `body.ts`). */
  args: Record<string, unknown>;
  /** Identity of the calling token. */
  identity: ResolvedIdentity;
  store: SlackStore;
  /** When `true`, channels not registered with `addChannel` answer `channel_not_found`. */
  strictChannels: boolean;
  /** `http://127.0.0.1:PORT`, for URLs the emulator hands out. */
  baseUrl: string;
}

/** The JSON body a handler answers (always with HTTP 200, as Slack does). */
export type MethodResult = { ok: true; [key: string]: unknown } | { ok: false; error: string; [key: string]: unknown };

/** A Web API method implementation. Must validate everything before mutating the store. */
export type MethodHandler = (ctx: MethodContext) => MethodResult;

/** `{ok:false,error}`. */
export function fail(error: string, extra: Record<string, unknown> = {}): MethodResult {
  return { ok: false, error, ...extra };
}

/** Slack's answer to a missing or malformed required argument. */
export function invalidArguments(detail: string): MethodResult {
  return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${detail}`] } });
}

/** A non-empty string argument, or `undefined`. */
export function str(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Whether the token has `scope`; a token registered without scopes is taken to hold every scope. */
export function hasScope(ctx: MethodContext, scope: string): boolean {
  return ctx.identity.scopes.length === 0 || ctx.identity.scopes.includes(scope);
}

/** Slack's answer to a call the token's scopes do not cover (`needed` / `provided`, as in every method page). */
export function missingScope(ctx: MethodContext, needed: string): MethodResult {
  return fail('missing_scope', { needed, provided: ctx.identity.scopes.join(',') });
}

/**
 * A user id (`U…`/`W…`) given as `channel` means the bot's direct message with that user: the
 * chat.postMessage page, "Post to a user's DM: pass the user's ID as channel". The emulator names
 * that conversation `D` + the user id's tail.
 */
export function resolveChannel(channel: string): string {
  return /^[UW][A-Z0-9]+$/.test(channel) ? dmChannelOf(channel) : channel;
}

/** The emulator's DM channel id for a user (`U0ALICE` → `D0ALICE`): assumed, Slack's ids are opaque. */
export function dmChannelOf(userId: string): string {
  return `D${userId.slice(1)}`;
}

/** How a write reaches a channel: a message post, or something that needs membership (uploads, ephemerals). */
export type ChannelAccess = 'post' | 'member' | 'edit';

/**
 * Checks that the caller may write into `channel`:
 * - archived → `is_archived` (chat.postMessage / chat.update / files.completeUploadExternal error lists);
 * - a private channel the bot is not in is invisible → `channel_not_found` (assumed, widely reported);
 * - a public channel the bot never joined: `chat:write.public` lets chat.postMessage post
 *   (docs: scope page "Send messages to channels @your_slack_app isn't a member of"), but uploads and
 *   ephemerals answer `not_in_channel` (real-behaviour notes: getnao/nao#1372);
 * - unregistered channels are accepted unless `strictChannels` is on.
 */
export function checkChannel(ctx: MethodContext, channel: string, access: ChannelAccess = 'post'): MethodResult | undefined {
  if (channel.startsWith('D')) return undefined;
  const known = ctx.store.channels.get(channel);
  if (!known) return ctx.strictChannels ? fail('channel_not_found') : undefined;
  if (!known.is_member && known.is_private) return fail('channel_not_found');
  if (known.is_archived) return fail('is_archived');
  if (known.is_member) return undefined;
  if (access === 'member') return fail('not_in_channel');
  return hasScope(ctx, 'chat:write.public') ? undefined : fail('not_in_channel');
}

/** Reads `blocks`: absent → `undefined`; a non-array → an `invalid_blocks_format` result. */
export function blocksArg(args: Record<string, unknown>, key = 'blocks'): { blocks?: unknown[]; error?: MethodResult } {
  const value = args[key];
  if (value === undefined || value === '') return {};
  if (Array.isArray(value)) return { blocks: value };
  return { error: fail('invalid_blocks_format') };
}

/** Reads `attachments` the same way as blocks (`invalid_attachments` when malformed). */
export function attachmentsArg(args: Record<string, unknown>): { attachments?: unknown[]; error?: MethodResult } {
  const value = args.attachments;
  if (value === undefined || value === '') return {};
  if (Array.isArray(value)) return { attachments: value };
  return { error: fail('invalid_attachments') };
}

/** The `bot_profile` Slack attaches to bot messages. */
export function botProfile(identity: ResolvedIdentity): Record<string, unknown> {
  return { id: identity.botId, app_id: identity.appId, name: identity.userName, team_id: identity.teamId, deleted: false };
}

/** A stored message in the shape Slack returns it (no `history`, no `channel`). */
export function wireMessage(message: EmulatedMessage, identity?: ResolvedIdentity): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'message',
    text: message.text,
    ts: message.ts,
  };
  if (message.user !== undefined) out.user = message.user;
  if (message.bot_id !== undefined) out.bot_id = message.bot_id;
  if (message.app_id !== undefined) out.app_id = message.app_id;
  if (message.team !== undefined) out.team = message.team;
  if (message.thread_ts !== undefined) out.thread_ts = message.thread_ts;
  if (message.blocks.length > 0) out.blocks = structuredClone(message.blocks);
  if (message.attachments !== undefined) out.attachments = structuredClone(message.attachments);
  if (message.files !== undefined) out.files = structuredClone(message.files);
  if (message.reply_count !== undefined) out.reply_count = message.reply_count;
  if (message.subtype !== undefined) out.subtype = message.subtype;
  if (identity !== undefined && message.bot_id === identity.botId) out.bot_profile = botProfile(identity);
  return out;
}
