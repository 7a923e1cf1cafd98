import type { PrivateReplies } from '../core/credentials/ports.ts';
import type { Mrkdwn } from '../core/mrkdwn.ts';
import { redactDeep, redactText } from '../core/redact.ts';

/** A message sent to a `response_url`: Slack's message payload plus where it goes. */
export interface ResponseUrlMessage {
  response_type: 'ephemeral' | 'in_channel';
  /** `true` replaces the message the interaction came from (the only way to edit an ephemeral one). */
  replace_original: boolean;
  text: string;
  blocks?: unknown[];
}

/** Slack refused a response_url post (expired after 30 minutes, used 5 times, or down). */
export class ResponseUrlError extends Error {
  override name = 'ResponseUrlError';
  readonly status: number;
  constructor(status: number, body: string) {
    super(`Slack answered ${status}${body ? ` (${body.slice(0, 100)})` : ''} to a response_url post`);
    this.status = status;
  }
}

/**
 * Posts one message to a `response_url` (valid 30 minutes, up to 5 posts). Everything sent is
 * redacted first, like the outbox does for the channel.
 * @throws ResponseUrlError when Slack does not take it.
 */
export async function postToResponseUrl(responseUrl: string, message: ResponseUrlMessage, fetchImpl: typeof fetch = fetch): Promise<void> {
  const body = { ...message, text: redactText(message.text), ...(message.blocks && { blocks: redactDeep(message.blocks) }) };
  const res = await fetchImpl(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new ResponseUrlError(res.status, await res.text().catch(() => ''));
}

/**
 * Private answers to a slash command after its ack, through the command's `response_url`.
 * Jobs get this port and hand it text, never Block Kit.
 */
export class ResponseUrlReplies implements PrivateReplies {
  readonly #fetch: typeof fetch;
  constructor(fetchImpl: typeof fetch = fetch) {
    this.#fetch = fetchImpl;
  }

  reply(responseUrl: string, text: Mrkdwn): Promise<void> {
    return postToResponseUrl(responseUrl, { response_type: 'ephemeral', replace_original: false, text: text.mrkdwn }, this.#fetch);
  }
}
