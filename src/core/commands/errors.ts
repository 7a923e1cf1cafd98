/**
 * The one error the command parsers throw. The Slack layer shows `message` and, below it,
 * `usage`, as an ephemeral reply; both are plain text that the Slack layer escapes.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  /** Usage text of the command concerned, shown under the message. */
  readonly usage: string;
  /** Same code as `ErrorCode.Usage` in `src/core/errors.ts`, so logs group usage mistakes together. */
  readonly code = 'chatops_usage';

  /**
   * @param message - one short friendly sentence: what is wrong and what to do.
   * @param usage - usage text of the command concerned.
   * @param options - `cause`, when a usage error wraps something unexpected.
   */
  constructor(message: string, usage: string, options?: ErrorOptions) {
    super(message, options);
    this.usage = usage;
  }
}
