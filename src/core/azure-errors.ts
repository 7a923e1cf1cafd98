import { ErrorCode, type UserVisibleError } from './errors.ts';
import type { RegistryRef } from './registry-ref.ts';

/**
 * An Azure call that failed, translated once at the adapter boundary: whether retrying may
 * help, and what to tell a person (no secrets, no raw payloads).
 */
export class AzureOperationError extends Error implements UserVisibleError {
  override name = 'AzureOperationError';
  readonly code = ErrorCode.Azure;
  readonly statusCode: number | undefined;
  readonly azureCode: string | undefined;
  readonly transient: boolean;
  readonly hint: string;
  /** Azure's `Retry-After`, when it sent one: wait this long before trying again. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { statusCode?: number; azureCode?: string; transient: boolean; hint: string; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.statusCode = options.statusCode;
    this.azureCode = options.azureCode;
    this.transient = options.transient;
    this.hint = options.hint;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isTransientAzureError(err: unknown): boolean {
  if (err instanceof AzureOperationError) return err.transient;
  if (isFetchNetworkError(err)) return true;
  // Anything else unexpected (network blips inside our own code paths) gets the normal retries;
  // a TypeError or RangeError is a bug, and running the same code again cannot help.
  return !(err instanceof TypeError || err instanceof RangeError);
}

/**
 * Node's fetch reports every network failure as a TypeError, as the Fetch standard says for a
 * "network error": `fetch failed` for a refused, reset or unresolvable connection and
 * `terminated` for a body cut off half way (undici lib/web/fetch/index.js), with the socket
 * error as `cause`. Those are blips, not bugs. A bad URL is a TypeError with another message
 * and stays permanent.
 */
export function isFetchNetworkError(err: unknown): boolean {
  return err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated');
}

export function describeAzureError(err: unknown, target?: RegistryRef): { text: string; hint: string } {
  if (err instanceof AzureOperationError) return { text: err.message, hint: err.hint };
  return {
    text: `Something unexpected went wrong${target ? ` while working on registry ${target.registry}` : ''}.`,
    hint: 'Run the command again; if it fails the same way, give the job id to the platform admin (it is in the bot’s logs).',
  };
}

/** How long Azure asked us to wait, if the error carries a `Retry-After`. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof AzureOperationError ? err.retryAfterMs : undefined;
}
