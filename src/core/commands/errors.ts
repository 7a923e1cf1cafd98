import { ErrorCode, type UserVisibleError } from '../errors.ts';

/**
 * The one error the command parsers throw. The Slack layer shows `message` and, below it,
 * `usage`, as an ephemeral reply; both are plain text that the Slack layer escapes.
 */
export class UsageError extends Error implements UserVisibleError {
  override name = 'UsageError';
  readonly code = ErrorCode.Usage;
  /** Usage text of the command concerned, shown under the message. */
  readonly usage: string;

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
