/**
 * `response_url` limits: "These responses can be sent up to 5 times within 30 minutes of
 * receiving the payload" (docs.slack.dev/interactivity/handling-user-interaction, "Message
 * responses"). What Slack answers past them is not documented: HTTP 404 with `expired_url` /
 * `used_url` as a plain-text body is assumed (incoming webhooks, served from the same
 * hooks.slack.com, answer their errors as plain text with an HTTP status: docs.slack.dev/messaging/
 * sending-messages-using-incoming-webhooks, "Handling errors"); a URL Slack never issued answers
 * 404 `invalid_url` (assumed).
 */

/** How long a response_url accepts posts, in ms (docs: 30 minutes). */
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
/** How many posts a response_url accepts (docs: 5). */
export const RESPONSE_URL_MAX_USES = 5;

/** Issue time and use count of every response_url the emulator handed out. */
export class ResponseUrlLimits {
  private readonly urls = new Map<string, { issuedAt: number; uses: number }>();

  /** Records `id` as issued now (an id issued before keeps its time and count). */
  issue(id: string): void {
    if (!this.urls.has(id)) this.urls.set(id, { issuedAt: Date.now(), uses: 0 });
  }

  /** Makes `id` as old as if it had been issued `ms` earlier. */
  age(id: string, ms: number): void {
    const url = this.urls.get(id);
    if (url) url.issuedAt -= ms;
  }

  /** Counts one post to `id`; returns the refusal when it was never issued or is past its limits. */
  use(id: string, now: number = Date.now()): { status: number; error: string } | undefined {
    const url = this.urls.get(id);
    if (!url) return { status: 404, error: 'invalid_url' };
    if (now - url.issuedAt > RESPONSE_URL_TTL_MS) return { status: 404, error: 'expired_url' };
    if (url.uses >= RESPONSE_URL_MAX_USES) return { status: 404, error: 'used_url' };
    url.uses += 1;
    return undefined;
  }

  clear(): void {
    this.urls.clear();
  }
}
