import { ErrorCode } from '@slack/web-api';

/**
 * What the outbox does when Slack refuses a call. One table, one row per error code Slack
 * documents for the methods the outbox calls (chat.postMessage, chat.update,
 * files.completeUploadExternal, conversations.history/replies, auth.test); a test per row in
 * test/integration/outbox-policy.test.ts.
 *
 * - `retry`: Slack is busy or briefly broken. Wait (Retry-After, or a growing backoff) and send
 *   the same thing again; for a card post, first look it up: it may have gone through.
 * - `repost`: the card is gone or cannot be edited. Post a fresh card once, in the old thread
 *   while it still exists, and carry on there.
 * - `degrade`: Slack will not show this message as drawn. Send the same content more simply
 *   (plain sections, then text with the details as a file, then one line pointing at
 *   `/ops job`), and never hold up the messages after it.
 * - `reroute`: the channel will not take the bot's messages. The requester hears it through the
 *   command's response_url while that works, and the card and thread carry on in a direct
 *   message; a scheduled job's card goes to the admins.
 * - `halt`: the bot's token is dead or lacks a scope. Nothing more can be sent: stop, keep
 *   everything queued, log an error, fail readiness, and resume once the token works.
 */
export type SlackErrorAction = 'retry' | 'repost' | 'degrade' | 'reroute' | 'halt';

export const slackErrorPolicy: Readonly<Record<string, SlackErrorAction>> = {
  // Rate limits can also come as a 200 body (the Web API spec lists `ratelimited`).
  ratelimited: 'retry',
  rate_limited: 'retry',
  internal_error: 'retry',
  fatal_error: 'retry',
  service_unavailable: 'retry',
  request_timeout: 'retry',
  team_added_to_org: 'retry',

  message_not_found: 'repost',
  cant_update_message: 'repost',
  edit_window_closed: 'repost',

  invalid_blocks: 'degrade',
  invalid_blocks_format: 'degrade',
  msg_too_long: 'degrade',
  msg_blocks_too_long: 'degrade',
  too_many_attachments: 'degrade',
  invalid_attachments: 'degrade',
  invalid_metadata_format: 'degrade',
  invalid_metadata_schema: 'degrade',
  metadata_too_large: 'degrade',
  no_text: 'degrade',

  not_in_channel: 'reroute',
  channel_not_found: 'reroute',
  is_archived: 'reroute',
  restricted_action: 'reroute',
  restricted_action_read_only_channel: 'reroute',
  restricted_action_thread_only_channel: 'reroute',
  restricted_action_non_threadable_channel: 'reroute',

  invalid_auth: 'halt',
  not_authed: 'halt',
  token_revoked: 'halt',
  token_expired: 'halt',
  account_inactive: 'halt',
  missing_scope: 'halt',
  not_allowed_token_type: 'halt',
  no_permission: 'halt',
  ekm_access_denied: 'halt',
};

/** A refused Slack call, as the outbox acts on it. */
export interface SlackFailure {
  action: SlackErrorAction;
  /** Slack's error code, or `http_<status>` / `network` / `ratelimited`. */
  code: string;
  /** Slack's Retry-After, when it gave one. */
  retryAfterMs?: number;
  /** The call may have taken effect (a timeout, a 5xx, a lost connection). */
  outcomeUnknown: boolean;
  /** For `missing_scope`: the scope Slack asked for. */
  needed?: string;
}

interface WebApiError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; needed?: string };
}

/**
 * Classifies an error thrown by `@slack/web-api`. Anything else (a bug, Redis) is not Slack's
 * answer: it returns undefined and the caller lets it fail the flush.
 */
export function classifySlackFailure(err: unknown): SlackFailure | undefined {
  const e = err as WebApiError;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { action: 'retry', code: 'ratelimited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, outcomeUnknown: false };
    case ErrorCode.HTTPError:
      return { action: 'retry', code: `http_${e.statusCode ?? 'error'}`, outcomeUnknown: true };
    case ErrorCode.RequestError:
      return { action: 'retry', code: 'network', outcomeUnknown: true };
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      // A code nobody documented is Slack refusing this message: draw it more simply, then give it up.
      const action = slackErrorPolicy[code] ?? 'degrade';
      return { action, code, outcomeUnknown: code === 'request_timeout', ...(e.data?.needed && { needed: e.data.needed }) };
    }
    default:
      return undefined;
  }
}
