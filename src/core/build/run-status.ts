/**
 * How an ACR run ended, told two ways in two vocabularies that must not be mixed:
 * ARM's `RunStatus` on the run resource, and the `Complete` metadata on its log blob.
 */

/** ARM's `RunStatus` (Runs API 2019-06-01-preview), what `runs.get` and `runs.list` report. */
export type AcrRunStatus = 'Queued' | 'Started' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Error' | 'Timeout';

/**
 * The log blob's `Complete` metadata, ACR's own word once a run is over. `successful` is what
 * Microsoft's Jenkins plugin waits for (Azure/azure-acr-plugin util/Constants.java,
 * `BUILD_SUCCEEDED`); the others are the ones `az acr build` reports as failures
 * (Azure/azure-cli acr/_stream_utils.py, `raise_error_on_failure`).
 */
export type LogCompletion = 'successful' | 'failed' | 'internalerror' | 'timedout' | 'canceled';

/** A finished run as a build card tells it. */
export type RunVerdict = 'succeeded' | 'failed' | 'canceled' | 'timed_out';

const byArmStatus: Readonly<Record<string, RunVerdict>> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
  Canceled: 'canceled',
  Timeout: 'timed_out',
};

const byLogCompletion: Readonly<Record<LogCompletion, RunVerdict>> = {
  successful: 'succeeded',
  failed: 'failed',
  internalerror: 'failed',
  timedout: 'timed_out',
  canceled: 'canceled',
};

/**
 * The verdict of an ARM run status, `undefined` while the run is not over. The finished set is
 * the CLI's (Azure/azure-cli acr/_run_polling.py, `FINISHED`).
 */
export function verdictOfRun(status: AcrRunStatus | string): RunVerdict | undefined {
  return Object.hasOwn(byArmStatus, status) ? byArmStatus[status] : undefined;
}

/**
 * The verdict of the log blob's `Complete` value (compared without case, as the CLI does).
 * A value this list does not know is no verdict at all: the caller asks ARM instead of guessing.
 */
export function verdictOfLog(complete: string): RunVerdict | undefined {
  const value = complete.toLowerCase();
  return Object.hasOwn(byLogCompletion, value) ? byLogCompletion[value as LogCompletion] : undefined;
}
