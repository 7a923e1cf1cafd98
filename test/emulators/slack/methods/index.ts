/**
 * Registry of the emulated Web API methods. Unknown names answer `unknown_method`.
 */
import { deleteMessage, getPermalink, postEphemeral, postMessage, update } from './chat.ts';
import { completeUploadExternal, getUploadURLExternal } from './files.ts';
import {
  authTest,
  conversationsHistory,
  conversationsInfo,
  conversationsOpen,
  conversationsReplies,
  usergroupsUsersList,
  usersInfo,
  viewsOpen,
  viewsUpdate,
} from './workspace.ts';
import { viewsPublish } from './views-publish.ts';
import type { MethodHandler } from './common.ts';

export type { MethodContext, MethodHandler, MethodResult } from './common.ts';

/** Method name → handler, for every method that needs a valid token. */
export const METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': deleteMessage,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'files.getUploadURLExternal': getUploadURLExternal,
  'files.completeUploadExternal': completeUploadExternal,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupsUsersList,
  'conversations.info': conversationsInfo,
  'conversations.open': conversationsOpen,
  'conversations.history': conversationsHistory,
  'conversations.replies': conversationsReplies,
  'views.open': viewsOpen,
  'views.update': viewsUpdate,
  'views.publish': viewsPublish,
};
