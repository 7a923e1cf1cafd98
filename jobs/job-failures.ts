import { describeAzureError } from '../src/core/azure-errors.ts';
import type { RegistryRef } from '../src/core/registry-ref.ts';

/**
 * A job that must stop and say why: its message and hint go to the user as they are, and it
 * is never retried (retrying cannot help: the input, the configuration or Azure's state has
 * to change first).
 */
export class JobStop extends Error {
  override name = 'JobStop';
  readonly hint: string;
  constructor(text: string, hint: string) {
    super(text);
    this.hint = hint;
  }
}

/** What a final failure tells the user: a stop's own words, Azure's explained error otherwise. */
export function describeFailure(err: unknown, target?: RegistryRef): { text: string; hint: string } {
  return err instanceof JobStop ? { text: err.message, hint: err.hint } : describeAzureError(err, target);
}
