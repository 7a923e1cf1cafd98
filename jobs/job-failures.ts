import { isTransientAzureError, retryAfterOf } from '../src/core/azure-errors.ts';
import type { JobContext } from '../src/core/job-context.ts';
import { isDelayed } from './aci-shared.ts';

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

/**
 * Hands back to BullMQ what may pass with time: a durable wait in progress, Azure's
 * `Retry-After` (waited out without spending an attempt), a transient error while attempts
 * remain. Returns only when the failure is final, for the job to report it.
 */
export async function retryIfItMayPass(ctx: JobContext<unknown>, err: unknown): Promise<void> {
  if (isDelayed(err)) throw err;
  if (err instanceof JobStop) return;
  const retryAfterMs = retryAfterOf(err);
  if (retryAfterMs !== undefined) await ctx.wakeAfter(retryAfterMs);
  if (isTransientAzureError(err) && ctx.attemptsMade + 1 < ctx.maxAttempts) throw err;
}
