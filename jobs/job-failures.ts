import { describeAzureError } from '../src/core/azure-errors.ts';
import { ErrorCode, isUserVisibleError, type UserVisibleError } from '../src/core/errors.ts';
import type { RegistryRef } from '../src/core/registry-ref.ts';

/**
 * A job that must stop and say why: its message and hint go to the user as they are, and it
 * is never retried (retrying cannot help: the input, the configuration or Azure's state has
 * to change first).
 */
export class JobStop extends Error implements UserVisibleError {
  override name = 'JobStop';
  readonly code: ErrorCode = ErrorCode.JobStopped;
  readonly hint: string;
  constructor(text: string, hint: string) {
    super(text);
    this.hint = hint;
  }
}

/**
 * What a final failure tells the user: the words of any error that keeps the contract and says
 * what to do next (a stop, Azure's explained error, a missing secret, the audit log down);
 * anything else is our fault, said without its details.
 */
export function describeFailure(err: unknown, target?: RegistryRef): { text: string; hint: string } {
  if (isUserVisibleError(err) && err.mrkdwn === undefined && err.hint !== undefined) return { text: err.message, hint: err.hint };
  return describeAzureError(err, target);
}
