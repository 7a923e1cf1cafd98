/**
 * Workspace look-ups and views: `auth.test`, `users.info`, `usergroups.users.list`,
 * `conversations.info`, `views.open`.
 */
import { botProfile, fail, invalidArguments, str } from './common.ts';
import type { MethodHandler } from './common.ts';

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
 * `views.open`: records the view. `trigger_id` may be used once (`exchanged_trigger_id` after)
 * and within three seconds of its payload (`expired_trigger_id`, see `triggers.ts`);
 * the `view` argument must be an object with a `type`.
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
  if (store.triggers.expired(trigger)) return fail('expired_trigger_id');
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
  open.hash = `${Math.floor(Date.now() / 1000)}.${viewId}.${(open.updates = (open.updates ?? 0) + 1)}`;
  return { ok: true, view: { id: viewId, hash: open.hash, ...structuredClone(view as Record<string, unknown>) } };
};

/**
 * `conversations.open` with one user: the bot's DM channel with them, the same `D…` id every
 * time (docs.slack.dev/reference/methods/conversations.open: "If the conversation already
 * exists, the existing conversation is returned"; scope `im:write`). The id is derived from the
 * user id (assumed; Slack's ids are opaque). Group DMs (several users) are not modelled.
 */
export const conversationsOpen: MethodHandler = ({ args }) => {
  const users = str(args, 'users')?.split(',').map((u) => u.trim()).filter(Boolean);
  if (!users || users.length === 0) return str(args, 'channel') ? { ok: true, channel: { id: str(args, 'channel') } } : fail('users_list_not_supplied');
  if (users.length > 1) return fail('not_implemented_in_emulator');
  const user = users[0]!;
  if (!/^[UW][A-Z0-9]+$/.test(user)) return fail('user_not_found');
  return { ok: true, channel: { id: dmChannelOf(user) } };
};

/** The emulator's DM channel id for a user: `U0ALICE` → `D0ALICE`. */
export function dmChannelOf(userId: string): string {
  return `D${userId.slice(1)}`;
}
