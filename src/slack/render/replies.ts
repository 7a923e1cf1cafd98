import { AuditWriteError } from '../../core/audit.ts';
import { UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';

/** An ephemeral answer to the person who typed the command; nobody else sees it. */
export interface EphemeralReply {
  response_type: 'ephemeral';
  text: string;
  /** Block Kit layout; `text` stays as the notification and screen-reader fallback. */
  blocks?: unknown[];
}

export function ephemeral(text: string): EphemeralReply {
  return { response_type: 'ephemeral', text };
}

/** Wrong input: what is wrong, then how the command is used. Never a stack trace. */
export function usageReply(message: string, usage: string): EphemeralReply {
  return ephemeral(`:warning: ${escapeMrkdwn(message)}\n\n${escapeMrkdwn(usage)}`);
}

export function errorReply(message: string, hint?: string): EphemeralReply {
  return ephemeral(`:warning: ${escapeMrkdwn(message)}${hint ? `\n${escapeMrkdwn(hint)}` : ''}`);
}

/**
 * What to tell someone whose request failed: a typed error's own message and hint (they say
 * what to do next), otherwise that it was our fault, with `consequence` ("so nothing was
 * started"). Never a stack trace.
 */
export function failureReply(err: unknown, consequence: string): EphemeralReply {
  if (err instanceof UserFacingError || err instanceof AuditWriteError) return errorReply(err.message, err.hint);
  return errorReply(`Something went wrong on my side, ${consequence}.`, 'Try again; if it keeps failing, tell the platform admin.');
}

export function threadLink(teamDomain: string | undefined, channelId: string, ts: string): string {
  // Slack's permalink format; chat.getPermalink would cost a Web API call on the ack path.
  const host = teamDomain ? `https://${teamDomain}.slack.com` : 'https://slack.com';
  return `${host}/archives/${channelId}/p${ts.replace('.', '')}`;
}
