import type { PrivateReplies } from '../core/credentials/ports.ts';
import type { Mrkdwn } from '../core/mrkdwn.ts';
import { redactDeep, redactText } from '../core/redact.ts';
import { clipMrkdwn, messageBudget } from './render/message-budget.ts';

/** A message posted to a response_url. Block Kit from src/slack/render only. */
export interface ResponseUrlMessage {
  text: string;
  blocks?: readonly unknown[];
  /** `ephemeral` (default: only the person who typed the command sees it) or `in_channel`. */
  responseType?: 'ephemeral' | 'in_channel';
  /** Replace the message the response_url belongs to (a click's card, a previous answer; the only way to edit an ephemeral one). */
  replaceOriginal?: boolean;
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
 * How long a response_url is good for after the command or click: "up to 5 times within 30
 * minutes" (docs: handling user interaction, message responses). A minute is kept in hand.
 */
export const responseUrlLifetime = { ms: 29 * 60_000, uses: 5 } as const;

/** Whether a response_url handed out at `issuedAt` (epoch ms) and used `uses` times may still be used. */
export function responseUrlUsable(issuedAt: number | undefined, uses: number, now = Date.now()): boolean {
  return issuedAt !== undefined && now - issuedAt < responseUrlLifetime.ms && uses < responseUrlLifetime.uses;
}

/**
 * The one way the bot posts to a command's or a click's `response_url` after the ack (valid 30
 * minutes, up to 5 posts): private answers, shares, rejection outcomes, reroute notices.
 * Everything posted is redacted, blocks as well as text. Jobs get this as the `PrivateReplies`
 * port and hand it text, never Block Kit; the Slack layer sends rendered blocks with {@link post}.
 */
export class ResponseUrlReplies implements PrivateReplies {
  readonly #fetch: typeof fetch;
  constructor(fetchImpl: typeof fetch = fetch) {
    this.#fetch = fetchImpl;
  }

  async reply(responseUrl: string, text: Mrkdwn): Promise<void> {
    await this.post(responseUrl, { text: text.mrkdwn });
  }

  /**
   * Posts a message.
   * @throws ResponseUrlError when Slack refuses it (expired or used-up URL, bad payload).
   */
  async post(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
    const res = await this.#fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: message.responseType ?? 'ephemeral',
        replace_original: message.replaceOriginal ?? false,
        text: clipMrkdwn(redactText(message.text), messageBudget.text),
        ...(message.blocks && { blocks: redactDeep(message.blocks) }),
      }),
    });
    if (!res.ok) throw new ResponseUrlError(res.status, await res.text().catch(() => ''));
  }
}
