/**
 * Thrown by an outbox sender when one thread must wait (its turn in a busy channel, Slack's
 * Retry-After, a backoff after a failure): that flush waits `retryAfterMs` without holding a
 * worker slot, and every other thread carries on.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`retry this thread after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Thrown when nothing may be sent to Slack at all (the bot token is dead): the whole outbox
 * pauses for `pauseMs`, across every worker, and keeps everything queued.
 */
export class PauseOutboxError extends Error {
  override name = 'PauseOutboxError';
  readonly pauseMs: number;
  constructor(pauseMs: number) {
    super(`pause the outbox for ${pauseMs} ms`);
    this.pauseMs = pauseMs;
  }
}
