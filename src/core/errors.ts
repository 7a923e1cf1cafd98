/** Stable, namespaced error codes; log queries and tests match on these, never on messages. */
export const ErrorCode = {
  Usage: 'chatops_usage',
  ConfigInvalid: 'chatops_config_invalid',
  QueueUnavailable: 'chatops_queue_unavailable',
  QueueUnconfirmed: 'chatops_queue_unconfirmed',
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

/**
 * The job was sent to the queue but Redis did not confirm it in time: it may be queued. The
 * job id derives from Slack's `trigger_id`, so the user can look it up; running the command
 * again would be a new trigger, hence a second job.
 */
export class QueueUnconfirmedError extends UserFacingError {
  override name = 'QueueUnconfirmedError';
  readonly jobId: string;
  constructor(jobId: string, cause?: unknown) {
    super(ErrorCode.QueueUnconfirmed, `The job queue did not confirm job \`${jobId}\` in time, so it may have been queued all the same.`, {
      hint: `Check with \`/ops job ${jobId}\` before running the command again: a new command would start a second job.`,
      cause,
    });
    this.jobId = jobId;
  }
}
