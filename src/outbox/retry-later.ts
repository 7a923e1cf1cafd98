/** Thrown by an outbox sender when Slack said "slow down": the whole outbox pauses this long. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`Slack asked to retry after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}
