import type { Mrkdwn } from './mrkdwn.ts';

/**
 * Stable, namespaced error codes; log queries and tests match on these, never on messages.
 * Every code is one {@link UserVisibleError} class's; a test fails when one has no user.
 */
export const ErrorCode = {
  /** Wrong input, or a request this setup cannot serve (no registry, no Key Vault configured). */
  Usage: 'chatops_usage',
  /** Start-up configuration is invalid (`ConfigError`). */
  ConfigInvalid: 'chatops_config_invalid',
  QueueUnavailable: 'chatops_queue_unavailable',
  QueueUnconfirmed: 'chatops_queue_unconfirmed',
  /** The access policy or a rotation claim refused the request (`Refused`). */
  NotAllowed: 'chatops_not_allowed',
  /** An Azure call failed (`AzureOperationError`). */
  Azure: 'chatops_azure',
  /** The environment's policy forbids what was asked (a registry, a git token, a deploy setting). */
  PolicyViolation: 'chatops_policy_violation',
  /** The audit log could not store a record, so the privileged action was not taken. */
  AuditUnavailable: 'chatops_audit_unavailable',
  /** A Key Vault reference names a secret the vault does not have. */
  SecretNotFound: 'chatops_secret_not_found',
  /** A job stopped for a reason a person must fix first (input, configuration, Azure's state): never retried (`JobStop`). */
  JobStopped: 'chatops_job_stopped',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * The one contract of an error a person may read (after bolt's `CodedError`): a code from
 * {@link ErrorCode}, a `message` that says what went wrong in plain words, and a `hint` that
 * says what to do next. Neither may contain secrets. `usage` (wrong input) is shown under the
 * message; `mrkdwn` replaces the message when it is already Slack markup (mentions).
 */
export interface UserVisibleError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string | undefined;
  readonly usage?: string;
  readonly mrkdwn?: Mrkdwn;
}

/** Whether `err` keeps the contract: an Error whose `code` is one of ours. Checks the shape, not the class. */
export function isUserVisibleError(err: unknown): err is UserVisibleError {
  const code: unknown = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && CODES.has(code);
}

/** A user-visible error of any code, for the one-off cases that need no class of their own. */
export class UserFacingError extends Error implements UserVisibleError {
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

/** A refusal the user sees as is (it mentions people, so it is mrkdwn already); audited where it was decided. */
export class Refused extends Error implements UserVisibleError {
  override name = 'Refused';
  readonly code = ErrorCode.NotAllowed;
  readonly mrkdwn: Mrkdwn;
  constructor(reply: Mrkdwn) {
    super('refused');
    this.mrkdwn = reply;
  }
}
