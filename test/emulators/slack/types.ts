/**
 * Shared types of the Slack Web API emulator.
 *
 * Everything here describes the emulator's *state model* (what tests assert on) and its
 * configuration; the wire shapes returned to clients are built in `methods.ts`.
 */

/** Identity bound to a token registered with {@link SlackEmulator.addToken}. */
export interface TokenIdentity {
  /** Workspace id, e.g. `T0001`. */
  teamId: string;
  /** The bot's user id, e.g. `U0BOT`. Messages posted with the token carry it as `user`. */
  botUserId: string;
  /** App id, default `A0EMULATOR`. */
  appId?: string;
  /** Bot id, default derived from `botUserId` (`U0BOT` → `B0BOT`). */
  botId?: string;
  /** Workspace name for `auth.test`, default `Emulated Workspace`. */
  teamName?: string;
  /** Workspace domain used for `auth.test` `url` and permalinks, default `emulated`. */
  teamDomain?: string;
  /** Bot user name for `auth.test` `user`, default `bot`. */
  userName?: string;
  /** Scopes sent back in the `x-oauth-scopes` header (WebClient exposes them as `response_metadata.scopes`). */
  scopes?: string[];
  /** Whether the app has its Home tab enabled (`views.publish` answers `not_enabled` otherwise). Default `true`. */
  homeTabEnabled?: boolean;
}

/** A token's identity with every default filled in. */
export interface ResolvedIdentity extends Required<Omit<TokenIdentity, 'scopes'>> {
  token: string;
  scopes: string[];
}

/** One earlier version of a message, kept when `chat.update` replaces it. */
export interface MessageVersion {
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  /** Emulator time (ms since epoch) at which this version was replaced. */
  replacedAt: number;
}

/** A file shared into a message by `files.completeUploadExternal`. */
export interface MessageFileRef {
  id: string;
  title: string;
  name: string;
}

/** A message as the emulator stores it (a deep copy is handed to tests). */
export interface EmulatedMessage {
  type: 'message';
  channel: string;
  ts: string;
  /** Set on thread replies (the parent's `ts`). Parents get it too once they have replies, as in Slack. */
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  /** Poster's user id (the bot user for bot tokens). */
  user?: string;
  bot_id?: string;
  app_id?: string;
  team?: string;
  /** `true` when a reply was posted with `reply_broadcast`. */
  reply_broadcast?: boolean;
  /** Files shared with this message (`files.completeUploadExternal`). */
  files?: MessageFileRef[];
  /** Number of replies (parents only). */
  reply_count?: number;
  /** Previous versions, oldest first; empty until `chat.update` changes the message. */
  history: MessageVersion[];
  /** Message metadata (`event_type`, `event_payload`) as posted; returned only with `include_all_metadata`. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Set when the message was deleted while it had replies: Slack keeps a tombstone so the thread survives. */
  subtype?: 'tombstone';
}

/** An ephemeral message (`chat.postEphemeral`). Not visible in {@link SlackEmulator.messages}. */
export interface EmulatedEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  bot_id?: string;
}

/**
 * A file created by `files.getUploadURLExternal` (emulator model, camelCase; the wire shape is in
 * `files.ts`). {@link SlackEmulator.files} lists completed files only; `uploads` lists all.
 */
export interface EmulatedFile {
  id: string;
  filename: string;
  /** Title given to `files.completeUploadExternal` (falls back to the filename). */
  title: string;
  /** `length` declared to `files.getUploadURLExternal`. */
  declaredLength: number;
  /** Bytes actually received at the upload URL (empty until uploaded). */
  bytes: Buffer;
  /** `bytes` decoded as UTF-8. */
  content: string;
  /** Bytes were received at the upload URL. */
  uploaded: boolean;
  /** `files.completeUploadExternal` succeeded for it. */
  completed: boolean;
  /** Owner (the bot user of the token that asked for the upload URL). */
  user: string;
  snippetType?: string;
  altText?: string;
  /** Channel the file was shared to by `files.completeUploadExternal`, if any. */
  channel?: string;
  /** Thread (parent `ts`) the file was shared into, if any. */
  threadTs?: string;
  initialComment?: string;
  /** `ts` of the message the share created. */
  messageTs?: string;
}

/** A view opened with `views.open`. */
export interface EmulatedView {
  id: string;
  trigger_id: string;
  /** The `view` argument, JSON-decoded (the latest one after `views.update`). */
  view: Record<string, unknown>;
  /** Current hash; `views.update` with another one answers `hash_conflict`. */
  hash: string;
  /** How many times `views.update` replaced it. */
  updates?: number;
  team_id: string;
  app_id: string;
  bot_id: string;
  time: number;
}

/** A Home tab published with `views.publish`. */
export interface EmulatedHomeView {
  /** Stays the same for one user across publishes, as Slack's Home view id does. */
  id: string;
  userId: string;
  /** Changes with every publish; `views.publish` with an older `hash` answers `hash_conflict`. */
  hash: string;
  /** The `view` argument, JSON-decoded. */
  view: Record<string, unknown>;
  time: number;
}

/** A POST received at a `response_url` ({@link SlackEmulator.responseUrl}). */
export interface RecordedResponse {
  /** The id part of `/response/<id>`. */
  id: string;
  /** JSON-decoded body (form bodies are decoded to an object; unparsable bodies are kept as text). */
  body: unknown;
  contentType: string;
  /** HTTP status the emulator answered. */
  status: number;
  time: number;
}

/** Pseudo method names used in {@link RecordedCall.method} for non-API endpoints. */
export const UPLOAD_METHOD = 'upload';
/** Pseudo method name for POSTs to a `response_url`. */
export const RESPONSE_URL_METHOD = 'response_url';

/** One HTTP request the emulator answered. */
export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `upload` / `response_url` for those endpoints. */
  method: string;
  /** Arguments as parsed (JSON-string fields such as `blocks` decoded, `token` removed). */
  args: Record<string, unknown>;
  /** Token the call presented (header, form field or query), if any. */
  token?: string;
  /** HTTP status answered. */
  status: number;
  /** `ok` of the JSON answer, if the answer was JSON. */
  ok?: boolean;
  /** `error` of an `ok:false` answer. */
  error?: string;
  /** Which injected fault answered, if one did. */
  fault?: 'ratelimited' | 'http_error' | 'platform_error' | 'lost_answer';
  /** Request content type as sent. */
  contentType: string;
  /** Emulator time (ms since epoch) the request was received. */
  time: number;
}

/** A channel known to the emulator. */
export interface EmulatedChannel {
  id: string;
  name: string;
  is_private: boolean;
  /**
   * Whether the bot is in the channel. Not a member of a public channel: `chat:write.public`
   * still posts, but uploads and ephemerals answer `not_in_channel`. Not a member of a private
   * channel: the channel is invisible (`channel_not_found`). Default `true`.
   */
  is_member: boolean;
  /** Archived channels refuse every write with `is_archived`. */
  is_archived: boolean;
}

/** A user known to `users.info`. Extra fields are returned as given. */
export interface EmulatedUser {
  id: string;
  name?: string;
  real_name?: string;
  team_id?: string;
  is_bot?: boolean;
  deleted?: boolean;
  tz?: string;
  profile?: Record<string, unknown>;
  [key: string]: unknown;
}
