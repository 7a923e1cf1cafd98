/**
 * `chat.*` methods: postMessage, update, delete, postEphemeral, getPermalink.
 */
import { checkMessage } from '../block-kit.ts';
import { SlackStore } from '../store.ts';
import type { EmulatedMessage } from '../types.ts';
import { attachmentsArg, blocksArg, checkChannel, fail, invalidArguments, resolveChannel, str, wireMessage } from './common.ts';
import type { MethodContext, MethodHandler, MethodResult } from './common.ts';

function textArg(args: Record<string, unknown>): string | undefined {
  return str(args, 'text') ?? str(args, 'markdown_text');
}

/**
 * `metadata`: `{event_type, event_payload}` (docs.slack.dev/messaging/message-metadata); a
 * malformed one answers `invalid_metadata_format` (chat.postMessage error list).
 */
function metadataArg(args: Record<string, unknown>): { metadata?: EmulatedMessage['metadata']; error?: ReturnType<typeof fail> } {
  const value = args.metadata;
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || value === null) return { error: fail('invalid_metadata_format') };
  const { event_type: type, event_payload: payload } = value as Record<string, unknown>;
  if (typeof type !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { error: fail('invalid_metadata_format') };
  return { metadata: { event_type: type, event_payload: structuredClone(payload as Record<string, unknown>) } };
}

/** `chat.postMessage`: posts to a channel (or a user's DM) or, with `thread_ts`, into a thread. */
export const postMessage: MethodHandler = (ctx) => {
  const { args, identity, store } = ctx;
  const given = str(args, 'channel');
  if (given === undefined) return fail('channel_not_found');
  const channel = resolveChannel(given);
  const channelError = checkChannel(ctx, channel);
  if (channelError) return channelError;
  const { blocks, error: blocksError } = blocksArg(args);
  if (blocksError) return blocksError;
  const { attachments, error: attachmentsError } = attachmentsArg(args);
  if (attachmentsError) return attachmentsError;
  const { metadata, error: metadataError } = metadataArg(args);
  if (metadataError) return metadataError;
  const text = textArg(args);
  if (text === undefined && (blocks === undefined || blocks.length === 0) && attachments === undefined) return fail('no_text');
  const refused = checkMessage(blocks, text);
  if (refused) return refused;
  const threadTs = str(args, 'thread_ts');

  const message: EmulatedMessage = {
    type: 'message',
    channel,
    ts: store.clock.next(),
    text: text ?? '',
    blocks: blocks ?? [],
    ...(attachments !== undefined ? { attachments } : {}),
    user: identity.botUserId,
    bot_id: identity.botId,
    app_id: identity.appId,
    team: identity.teamId,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    ...(threadTs !== undefined && args.reply_broadcast === true ? { reply_broadcast: true } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    history: [],
  };
  store.addMessage(message);
  return { ok: true, channel, ts: message.ts, message: wireMessage(message, identity) };
};

function findOwn(ctx: MethodContext, channel: string, ts: string | undefined, notOwnError: string): EmulatedMessage | MethodResult {
  if (ts === undefined) return fail('message_not_found');
  const message = ctx.store.findMessage(channel, ts);
  // A deleted message that had replies stays as a tombstone, which is nobody's to edit.
  if (!message || message.subtype === 'tombstone') return fail('message_not_found');
  if (message.user !== ctx.identity.botUserId) return fail(notOwnError);
  return message;
}

function isResult(value: EmulatedMessage | MethodResult): value is MethodResult {
  return 'ok' in value;
}

/** `chat.update`: replaces text / blocks / attachments / metadata of one of the caller's own messages. */
export const update: MethodHandler = (ctx) => {
  const { args, identity } = ctx;
  const given = str(args, 'channel');
  if (given === undefined) return fail('channel_not_found');
  const channel = resolveChannel(given);
  const channelError = checkChannel(ctx, channel, 'edit');
  if (channelError) return channelError;
  const found = findOwn(ctx, channel, str(args, 'ts'), 'cant_update_message');
  if (isResult(found)) return found;
  const { blocks, error: blocksError } = blocksArg(args);
  if (blocksError) return blocksError;
  const { attachments, error: attachmentsError } = attachmentsArg(args);
  if (attachmentsError) return attachmentsError;
  const { metadata, error: metadataError } = metadataArg(args);
  if (metadataError) return metadataError;
  const text = textArg(args);
  if (text === undefined && blocks === undefined && attachments === undefined) return fail('no_text');
  const refused = checkMessage(blocks, text);
  if (refused) return refused;

  found.history.push({
    text: found.text,
    blocks: structuredClone(found.blocks),
    ...(found.attachments !== undefined ? { attachments: structuredClone(found.attachments) } : {}),
    replacedAt: Date.now(),
  });
  if (text !== undefined) found.text = text;
  if (blocks !== undefined) found.blocks = blocks;
  if (attachments !== undefined) found.attachments = attachments;
  if (metadata !== undefined) found.metadata = metadata;
  const message = wireMessage(found, identity);
  delete message.ts;
  return { ok: true, channel, ts: found.ts, text: found.text, message };
};

/** `chat.delete`: removes one of the caller's own messages (see {@link SlackStore.deleteMessage}). */
export const deleteMessage: MethodHandler = (ctx) => {
  const given = str(ctx.args, 'channel');
  if (given === undefined) return fail('channel_not_found');
  const channel = resolveChannel(given);
  const found = findOwn(ctx, channel, str(ctx.args, 'ts'), 'cant_delete_message');
  if (isResult(found)) return found;
  ctx.store.deleteMessage(channel, found.ts);
  return { ok: true, channel, ts: found.ts };
};

/** `chat.postEphemeral`: records an ephemeral message for one user; answers `{ok, message_ts}`. */
export const postEphemeral: MethodHandler = (ctx) => {
  const { args, identity, store } = ctx;
  const channel = str(args, 'channel');
  if (channel === undefined) return fail('channel_not_found');
  const user = str(args, 'user');
  if (user === undefined) return invalidArguments('missing required field: user');
  // An ephemeral needs the bot in the channel: `chat:write.public` does not cover it.
  const channelError = checkChannel(ctx, channel, 'member');
  if (channelError) return channelError;
  const { blocks, error: blocksError } = blocksArg(args);
  if (blocksError) return blocksError;
  const text = textArg(args);
  if (text === undefined && (blocks === undefined || blocks.length === 0) && args.attachments === undefined) return fail('no_text');
  const threadTs = str(args, 'thread_ts');
  const messageTs = store.clock.next();
  store.ephemerals.push({
    channel,
    user,
    message_ts: messageTs,
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    text: text ?? '',
    blocks: blocks ?? [],
    bot_id: identity.botId,
  });
  return { ok: true, message_ts: messageTs };
};

/** `chat.getPermalink`: `https://<domain>.slack.com/archives/<channel>/p<ts digits>`. */
export const getPermalink: MethodHandler = (ctx) => {
  const channel = str(ctx.args, 'channel');
  if (channel === undefined) return fail('channel_not_found');
  const ts = str(ctx.args, 'message_ts');
  if (ts === undefined) return fail('message_not_found');
  const message = ctx.store.findMessage(channel, ts);
  if (!message) return fail('message_not_found');
  let permalink = `https://${ctx.identity.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  if (SlackStore.isReply(message) && message.thread_ts !== undefined) {
    permalink += `?thread_ts=${message.thread_ts}&cid=${channel}`;
  }
  return { ok: true, channel, permalink };
};
