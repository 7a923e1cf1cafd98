import type { PrivateReplies } from '../core/credentials/ports.ts';
import type { Mrkdwn } from '../core/mrkdwn.ts';
import { redactText } from '../core/redact.ts';

/**
 * Private answers to a slash command after its ack, through the command's `response_url`
 * (valid 30 minutes, up to 5 posts). Jobs get this port and hand it text, never Block Kit.
 */
export class ResponseUrlReplies implements PrivateReplies {
  readonly #fetch: typeof fetch;
  constructor(fetchImpl: typeof fetch = fetch) {
    this.#fetch = fetchImpl;
  }

  async reply(responseUrl: string, text: Mrkdwn): Promise<void> {
    const res = await this.#fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: redactText(text.mrkdwn) }),
    });
    if (!res.ok) throw new Error(`Slack answered ${res.status} to a response_url post`);
  }
}
