/** Stable, namespaced error codes; log queries and tests match on these, never on messages. */
export const ErrorCode = {
  Usage: 'chatops_usage',
  ConfigInvalid: 'chatops_config_invalid',
  QueueUnavailable: 'chatops_queue_unavailable',
  NotAllowed: 'chatops_not_allowed',
  Azure: 'chatops_azure',
  JobNotFound: 'chatops_job_not_found',
  PolicyViolation: 'chatops_policy_violation',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error a person will read. `message` says what went wrong in plain words and `hint`
 * what to do next; neither may contain secrets.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** The job queue (Redis) could not take the request; nothing was queued. */
export class QueueUnavailableError extends UserFacingError {
  override name = 'QueueUnavailableError';
  constructor(cause?: unknown) {
    super(ErrorCode.QueueUnavailable, 'The job queue is unavailable right now, so nothing was started.', {
      hint: 'Try again in a minute. If it keeps happening, ask the platform admin to check the bot’s Redis.',
      cause,
    });
  }
}
