import { isRestError } from '@azure/core-rest-pipeline';
import { AzureOperationError } from '../core/azure-errors.ts';

const transientStatuses = new Set([408, 429, 500, 502, 503, 504]);

/** ARM's 404: the resource (a container group, a registry's task, replica or token) is not there. */
export function isNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404;
}

/**
 * Translates an SDK failure into an AzureOperationError with a next step for a person.
 * `doing` completes "Azure refused to …" / "could not …", e.g. "start the build in contosodev".
 */
export function toAzureOperationError(err: unknown, doing: string): AzureOperationError {
  if (err instanceof AzureOperationError) return err;
  if (isRestError(err)) {
    const status = err.statusCode;
    const body = err.details as { error?: { code?: string; message?: string } } | undefined;
    const azureCode = body?.error?.code ?? err.code;
    const azureMessage = body?.error?.message;
    if (status === undefined) {
      return new AzureOperationError(`Could not reach Azure to ${doing}.`, {
        transient: true,
        hint: 'This is usually a network blip and is retried automatically.',
        ...(azureCode && { azureCode }),
        cause: err,
      });
    }
    const hintByStatus: Record<number, string> = {
      401: 'The bot’s Azure identity could not sign in: the platform admin should check AZURE_* settings or the managed identity.',
      403: 'The bot’s identity lacks a role: grant it Contributor (or AcrPush plus the ACR Tasks contributor role) on the registry, then retry.',
      404: 'Check the registry name and the environment’s subscription and resource group in chatops.yaml.',
      409: 'Azure reported a conflict; wait for the other operation to finish and retry.',
    };
    const retryAfter = Number(err.response?.headers.get('retry-after'));
    return new AzureOperationError(`Azure refused to ${doing}${azureMessage ? `: ${azureMessage}` : ` (HTTP ${status}${azureCode ? `, ${azureCode}` : ''})`}`, {
      statusCode: status,
      ...(azureCode && { azureCode }),
      transient: transientStatuses.has(status),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
      hint:
        hintByStatus[status] ??
        (transientStatuses.has(status) ? 'Azure is busy; the bot retries by itself.' : 'Fix what Azure names above and run the command again.'),
      cause: err,
    });
  }
  const e = err as NodeJS.ErrnoException;
  return new AzureOperationError(`Could not ${doing}: ${e?.message ?? String(err)}`, {
    transient: true,
    hint: 'This is retried automatically; if it persists, the platform admin should check the bot’s network access to Azure.',
    cause: err,
  });
}
