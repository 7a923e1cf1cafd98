/**
 * `files.getUploadURLExternal` and `files.completeUploadExternal` (the `filesUploadV2` flow).
 */
import { uploadUrl, wireFile } from '../files.ts';
import type { EmulatedFile, MessageFileRef } from '../types.ts';
import { blocksArg, checkChannel, fail, invalidArguments, resolveChannel, str } from './common.ts';
import type { MethodHandler } from './common.ts';

/**
 * `files.getUploadURLExternal`: `filename` and `length` (bytes, > 0) required; `length: 0` is
 * `missing_argument` as documented. Answers an upload URL on the emulator.
 */
export const getUploadURLExternal: MethodHandler = (ctx) => {
  const { args, store, identity } = ctx;
  const filename = str(args, 'filename');
  if (filename === undefined) return invalidArguments('missing required field: filename');
  const lengthArg = str(args, 'length');
  if (lengthArg === undefined) return invalidArguments('missing required field: length');
  const length = Number(lengthArg);
  if (!Number.isInteger(length) || length < 0) return invalidArguments('invalid value for field: length');
  if (length === 0) return fail('missing_argument');
  const snippetType = str(args, 'snippet_type');
  // The docs name it `alt_txt`; WebClient 8 sends `alt_text`. Accept both.
  const altText = str(args, 'alt_txt') ?? str(args, 'alt_text');

  const file: EmulatedFile = {
    id: store.nextFileId(),
    filename,
    title: filename,
    declaredLength: length,
    bytes: Buffer.alloc(0),
    content: '',
    uploaded: false,
    completed: false,
    user: identity.botUserId,
    ...(snippetType !== undefined ? { snippetType } : {}),
    ...(altText !== undefined ? { altText } : {}),
  };
  store.files.set(file.id, file);
  return { ok: true, upload_url: uploadUrl(ctx.baseUrl, file.id), file_id: file.id };
};

/**
 * `files.completeUploadExternal`: `files` (JSON array of `{id, title?}`) required; each file must
 * have been uploaded (`file_not_found` otherwise). With `channel_id` (or a single `channels`) the
 * files are shared in one message, in the thread `thread_ts` if given, with `initial_comment`
 * (or `blocks`) as its text.
 */
export const completeUploadExternal: MethodHandler = (ctx) => {
  const { args, store, identity } = ctx;
  const list = args.files;
  if (!Array.isArray(list) || list.length === 0) return invalidArguments('missing required field: files');
  const entries: { file: EmulatedFile; title?: string }[] = [];
  for (const item of list) {
    if (item === null || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      return invalidArguments('invalid value for field: files');
    }
    const { id, title } = item as { id: string; title?: unknown };
    const file = store.files.get(id);
    if (!file?.uploaded || file.completed) return fail('file_not_found');
    entries.push({ file, ...(typeof title === 'string' && title !== '' ? { title } : {}) });
  }

  const channels = str(args, 'channels')
    ?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (channels !== undefined && channels.length > 1 && str(args, 'thread_ts') !== undefined) {
    return invalidArguments('thread_ts requires a single channel');
  }
  const given = str(args, 'channel_id') ?? channels?.[0];
  const channel = given === undefined ? undefined : resolveChannel(given);
  if (channel !== undefined) {
    // Sharing a file needs the bot in the channel: `chat:write.public` does not cover uploads
    // (files.completeUploadExternal errors: not_in_channel; getnao/nao#1372).
    const channelError = checkChannel(ctx, channel, 'member');
    if (channelError) return channelError;
  }
  const { blocks, error: blocksError } = blocksArg(args);
  if (blocksError) return fail('invalid_blocks');
  const threadTs = str(args, 'thread_ts');
  const initialComment = str(args, 'initial_comment');

  let messageTs: string | undefined;
  if (channel !== undefined) {
    const refs: MessageFileRef[] = entries.map(({ file, title }) => ({ id: file.id, title: title ?? file.title, name: file.filename }));
    messageTs = store.clock.next();
    store.addMessage({
      type: 'message',
      channel,
      ts: messageTs,
      text: initialComment ?? '',
      // Slack ignores `blocks` when `initial_comment` is given.
      blocks: initialComment === undefined ? (blocks ?? []) : [],
      user: identity.botUserId,
      bot_id: identity.botId,
      app_id: identity.appId,
      team: identity.teamId,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      files: refs,
      history: [],
    });
  }

  for (const { file, title } of entries) {
    file.completed = true;
    if (title !== undefined) file.title = title;
    if (channel !== undefined) file.channel = channel;
    if (threadTs !== undefined) file.threadTs = threadTs;
    if (initialComment !== undefined) file.initialComment = initialComment;
    if (messageTs !== undefined) file.messageTs = messageTs;
  }
  return {
    ok: true,
    files: entries.map(({ file }) => wireFile(file, identity.teamId, identity.teamDomain, ctx.baseUrl)),
  };
};
