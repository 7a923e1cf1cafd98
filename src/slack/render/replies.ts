import { isUserVisibleError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { redactText } from '../../core/redact.ts';

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
 * The one translation of a thrown value into what the person sees. An error that keeps the
 * contract (`UserVisibleError`) shows its own words: markup as is (refusals that mention
 * people), else its message with the usage under it (wrong input) or its hint (what to do
 * next). Anything else was our fault: that, with `consequence` ("so nothing was started").
 * Never a stack trace.
 */
export function failureReply(err: unknown, consequence: string): EphemeralReply {
  if (!isUserVisibleError(err))
    return errorReply(`Something went wrong on my side, ${consequence}.`, 'Try again; if it keeps failing, tell the platform admin.');
  if (err.mrkdwn !== undefined) return ephemeral(err.mrkdwn.mrkdwn);
  // Parsers never echo a value after `=` or a secret flag; this catches a credential-shaped
  // word echoed anywhere else before it reaches Slack.
  if (err.usage !== undefined) return usageReply(redactText(err.message), err.usage);
  return errorReply(err.message, err.hint);
}

export function threadLink(teamDomain: string | undefined, channelId: string, ts: string): string {
  // Slack's permalink format; chat.getPermalink would cost a Web API call on the ack path.
  const host = teamDomain ? `https://${teamDomain}.slack.com` : 'https://slack.com';
  return `${host}/archives/${channelId}/p${ts.replace('.', '')}`;
}
