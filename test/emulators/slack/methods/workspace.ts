/**
 * Workspace look-ups and views: `auth.test`, `users.info`, `usergroups.users.list`,
 * `conversations.info` / `.open` / `.history` / `.replies`, `views.open` / `.update`.
 */
import { SlackStore } from '../store.ts';
import type { EmulatedMessage } from '../types.ts';
import { botProfile, dmChannelOf, fail, hasScope, invalidArguments, missingScope, resolveChannel, str, wireMessage } from './common.ts';
import type { MethodContext, MethodHandler, MethodResult } from './common.ts';

/** `auth.test`: identity of the calling token. */
export const authTest: MethodHandler = ({ identity }) => ({
  ok: true,
  url: `https://${identity.teamDomain}.slack.com/`,
  team: identity.teamName,
  user: identity.userName,
  team_id: identity.teamId,
  user_id: identity.botUserId,
  bot_id: identity.botId,
  app_id: identity.appId,
  is_enterprise_install: false,
});

/** `users.info`: users registered with `addUser` (and every token's bot user). */
export const usersInfo: MethodHandler = ({ args, store, identity }) => {
  const id = str(args, 'user');
  if (id === undefined) return fail('user_not_found');
  const user = store.users.get(id);
  if (!user) return fail('user_not_found');
  const name = user.name ?? id.toLowerCase();
  const realName = user.real_name ?? name;
  return {
    ok: true,
    user: {
      team_id: identity.teamId,
      deleted: false,
      is_bot: false,
      is_admin: false,
      tz: 'Etc/UTC',
      ...structuredClone(user),
      id,
      name,
      real_name: realName,
      profile: { real_name: realName, display_name: name, ...(user.profile ? structuredClone(user.profile) : {}) },
    },
  };
};

/** `usergroups.users.list`: members set with `setUsergroup`; `no_such_subteam` otherwise. */
export const usergroupsUsersList: MethodHandler = ({ args, store }) => {
  const id = str(args, 'usergroup');
  if (id === undefined) return invalidArguments('missing required field: usergroup');
  const users = store.usergroups.get(id);
  if (!users) return fail('no_such_subteam');
  return { ok: true, users: [...users] };
};

/**
 * `conversations.info`: registered channels; unregistered ones are synthesised unless
 * `strictChannels`. A private channel the bot is not in answers `channel_not_found`: `groups:read`
 * covers "private channels that your Slack app has been added to" (docs.slack.dev/reference/scopes/groups.read).
 */
export const conversationsInfo: MethodHandler = ({ args, store, strictChannels }) => {
  const id = str(args, 'channel');
  if (id === undefined) return fail('channel_not_found');
  const known = store.channels.get(id);
  if (!known && strictChannels) return fail('channel_not_found');
  if (known?.is_private && !known.is_member) return fail('channel_not_found');
  const isIm = id.startsWith('D');
  const isPrivate = known?.is_private ?? id.startsWith('G');
  return {
    ok: true,
    channel: {
      id,
      name: known?.name ?? id.toLowerCase(),
      is_channel: !isIm && !isPrivate,
      is_group: false,
      is_im: isIm,
      is_mpim: false,
      is_private: isPrivate,
      is_archived: known?.is_archived ?? false,
      is_general: false,
      is_member: known?.is_member ?? true,
      created: 1700000000,
    },
  };
};

/**
 * `views.open`: records the view. A `trigger_id` must be one the emulator handed out
 * (`invalid_trigger_id` otherwise), within three seconds of its payload (`expired_trigger_id`),
 * and may be used once (`exchanged_trigger_id`): see `triggers.ts`. The `view` argument must be
 * an object with a `type`.
 */
export const viewsOpen: MethodHandler = ({ args, store, identity }) => {
  const triggerId = str(args, 'trigger_id');
  const interactivityPointer = str(args, 'interactivity_pointer');
  const trigger = triggerId ?? interactivityPointer;
  if (trigger === undefined) return invalidArguments('missing required field: trigger_id');
  const view = args.view;
  if (view === null || typeof view !== 'object' || Array.isArray(view) || typeof (view as { type?: unknown }).type !== 'string') {
    return invalidArguments('missing required field: view');
  }
  const refusal = store.triggers.refusal(trigger);
  if (refusal) return fail(refusal);
  if (store.usedTriggers.has(trigger)) return fail('exchanged_trigger_id');
  store.usedTriggers.add(trigger);
  const id = store.nextViewId();
  const hash = `${Math.floor(Date.now() / 1000)}.${id}`;
  const recorded = {
    id,
    trigger_id: trigger,
    view: structuredClone(view as Record<string, unknown>),
    hash,
    team_id: identity.teamId,
    app_id: identity.appId,
    bot_id: identity.botId,
    time: Date.now(),
  };
  store.views.push(recorded);
  return {
    ok: true,
    view: {
      id,
      team_id: identity.teamId,
      blocks: [],
      private_metadata: '',
      callback_id: '',
      external_id: '',
      state: { values: {} },
      hash,
      clear_on_close: false,
      notify_on_close: false,
      ...structuredClone(view as Record<string, unknown>),
      root_view_id: id,
      previous_view_id: null,
      app_id: identity.appId,
      app_installed_team_id: identity.teamId,
      bot_id: identity.botId,
    },
    bot_profile: botProfile(identity),
  };
};

/**
 * `views.update`: replaces an open view by `view_id` (`not_found` when unknown). A `hash` that is
 * not the view's current one answers `hash_conflict`, as the docs describe for updates racing each
 * other (docs.slack.dev/reference/methods/views.update, "Errors" and the `hash` argument).
 */
export const viewsUpdate: MethodHandler = ({ args, store }) => {
  const viewId = str(args, 'view_id');
  if (viewId === undefined) return invalidArguments('missing required field: view_id');
  const view = args.view;
  if (view === null || typeof view !== 'object' || Array.isArray(view) || typeof (view as { type?: unknown }).type !== 'string') {
    return invalidArguments('missing required field: view');
  }
  const open = store.views.find((v) => v.id === viewId);
  if (!open) return fail('not_found');
  const hash = str(args, 'hash');
  if (hash !== undefined && hash !== open.hash) return fail('hash_conflict');
  open.view = structuredClone(view as Record<string, unknown>);
  open.updates = (open.updates ?? 0) + 1;
  open.hash = `${Math.floor(Date.now() / 1000)}.${viewId}.${open.updates}`;
  return { ok: true, view: { id: viewId, hash: open.hash, ...structuredClone(view as Record<string, unknown>) } };
};

/**
 * `conversations.open` with one user: the bot's DM channel with them, the same `D…` id every
 * time (docs.slack.dev/reference/methods/conversations.open: "If the conversation already
 * exists, the existing conversation is returned"; scope `im:write`). The id is derived from the
 * user id (assumed; Slack's ids are opaque). Group DMs (several users) are not modelled.
 */
export const conversationsOpen: MethodHandler = ({ args }) => {
  const users = str(args, 'users')
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (!users || users.length === 0) return str(args, 'channel') ? { ok: true, channel: { id: str(args, 'channel') } } : fail('users_list_not_supplied');
  if (users.length > 1) return fail('not_implemented_in_emulator');
  const user = users[0]!;
  if (!/^[UW][A-Z0-9]+$/.test(user)) return fail('user_not_found');
  return { ok: true, channel: { id: dmChannelOf(user) } };
};

/** `conversations.history` / `.replies` need `channels:history`, `groups:history` or `im:history` by conversation kind (method pages, "Required scopes"). */
function historyScope(ctx: MethodContext, channel: string): MethodResult | undefined {
  const scope = channel.startsWith('D') ? 'im:history' : ctx.store.channels.get(channel)?.is_private ? 'groups:history' : 'channels:history';
  return hasScope(ctx, scope) ? undefined : missingScope(ctx, scope);
}

/** Channel members only: a bot reads the history of conversations it is in (`not_in_channel`, assumed for public channels it never joined). */
function readable(ctx: MethodContext, channel: string): MethodResult | undefined {
  if (channel.startsWith('D')) return undefined;
  const known = ctx.store.channels.get(channel);
  if (!known) return ctx.strictChannels ? fail('channel_not_found') : undefined;
  if (known.is_member) return undefined;
  return fail(known.is_private ? 'channel_not_found' : 'not_in_channel');
}

/** A page of messages, newest first, with Slack's cursor paging (`response_metadata.next_cursor`). */
function page(ctx: MethodContext, messages: EmulatedMessage[], newestFirst: boolean): MethodResult {
  const limit = Math.min(999, Math.max(1, Number(str(ctx.args, 'limit') ?? 100)));
  const start = Number(str(ctx.args, 'cursor') ? Buffer.from(str(ctx.args, 'cursor')!, 'base64').toString() : 0) || 0;
  const ordered = newestFirst ? [...messages].reverse() : messages;
  const slice = ordered.slice(start, start + limit);
  const withMetadata = ctx.args.include_all_metadata === true || ctx.args.include_all_metadata === 'true';
  const more = start + limit < ordered.length;
  return {
    ok: true,
    messages: slice.map((m) => ({ ...wireMessage(m, ctx.identity), ...(withMetadata && m.metadata ? { metadata: structuredClone(m.metadata) } : {}) })),
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(String(start + limit)).toString('base64') : '' },
  };
}

const tsInRange = (ts: string, oldest?: string, latest?: string) =>
  (oldest === undefined || Number(ts) > Number(oldest)) && (latest === undefined || Number(ts) < Number(latest));

/**
 * `conversations.history`: top-level messages (and broadcast replies), newest first, between
 * `oldest` and `latest` (exclusive), `limit` per page; `metadata` only with `include_all_metadata`
 * (docs.slack.dev/messaging/message-metadata, "Retrieving metadata").
 */
export const conversationsHistory: MethodHandler = (ctx) => {
  const given = str(ctx.args, 'channel');
  if (given === undefined) return fail('channel_not_found');
  const channel = resolveChannel(given);
  const refused = historyScope(ctx, channel) ?? readable(ctx, channel);
  if (refused) return refused;
  const oldest = str(ctx.args, 'oldest');
  const latest = str(ctx.args, 'latest');
  const list = (ctx.store.messagesByChannel.get(channel) ?? []).filter(
    (m) => (!SlackStore.isReply(m) || m.reply_broadcast === true) && tsInRange(m.ts, oldest, latest),
  );
  return page(ctx, list, true);
};

/**
 * `conversations.replies`: the parent (a tombstone once deleted) and its replies, oldest first;
 * `thread_not_found` when no such thread exists (method page error list).
 */
export const conversationsReplies: MethodHandler = (ctx) => {
  const given = str(ctx.args, 'channel');
  if (given === undefined) return fail('channel_not_found');
  const channel = resolveChannel(given);
  const refused = historyScope(ctx, channel) ?? readable(ctx, channel);
  if (refused) return refused;
  const ts = str(ctx.args, 'ts');
  if (ts === undefined) return invalidArguments('missing required field: ts');
  const parent = ctx.store.findMessage(channel, ts);
  if (!parent || SlackStore.isReply(parent)) return fail('thread_not_found');
  const replies = (ctx.store.messagesByChannel.get(channel) ?? []).filter((m) => SlackStore.isReply(m) && m.thread_ts === ts);
  return page(ctx, [parent, ...replies], false);
};
