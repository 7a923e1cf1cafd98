import { ErrorCode, type UserVisibleError } from './errors.ts';

/**
 * The audit log as the rest of the app sees it: who did what, where, to what, with which
 * outcome. Workers record each step they take; the Slack layer records the requests it
 * accepts or refuses and the admin queries it answers. Adapters redact every record, so an
 * event never carries a secret value even when a caller slips one into free text.
 */

/** What became of the audited action. */
export type AuditOutcome = 'accepted' | 'refused' | 'succeeded' | 'failed' | 'info';

/** Every outcome, for validation and for tests that walk them all. */
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['accepted', 'refused', 'succeeded', 'failed', 'info'];

/** One audit record. */
export interface AuditEvent {
  /** When it happened, ISO 8601 UTC. */
  at: string;
  /** Slack user id of the person acting, or `'system'` for the bot's own decisions. */
  actor: string;
  /**
   * Namespaced, dot-separated, lowercase: `command.acr.build`, `button.job.cancel`,
   * `approval.granted`, `rotation.step`, `admin.audit.query`.
   */
  action: string;
  outcome: AuditOutcome;
  /** Environment name (`dev`, `prod`), when the action concerns one. */
  environment?: string;
  /** What was acted on: an image, a registry, a secret's name (never its value), a job. */
  target?: string;
  jobId?: string;
  /** Why it was refused or failed, in plain words. */
  reason?: string;
  /** A few extra scalar facts (step name, attempt number). Keys ending in a secret-ish word are masked. */
  details?: Record<string, string | number | boolean>;
}

/** What {@link AuditLog.record} takes: an event whose time defaults to now. */
export type AuditEventInput = Omit<AuditEvent, 'at'> & { at?: string };

/**
 * Which events an audit query returns; every given field must match.
 *
 * `action` matches whole dot-separated segments, case-insensitively: the filter's segments
 * must appear as a contiguous run inside the action. So `deploy` matches
 * `command.aci.deploy`, `acr.build` matches `command.acr.build`, `approval` matches
 * `approval.granted`, but `dep` matches nothing and `build.acr` does not match `command.acr.build`.
 */
export interface AuditFilter {
  /** Slack user id, exact. */
  actor?: string;
  /** Environment name, exact. */
  environment?: string;
  /** One or more whole action segments, see above. */
  action?: string;
  /** Only events recorded at or after this time. */
  since?: Date;
}

/** One page of a query, newest first. */
export interface AuditPage {
  events: AuditEvent[];
  /** Pass back as `cursor` to read the next (older) page; absent when there is no more. */
  nextCursor?: string;
}

/** Paging of a query. */
export interface AuditPageRequest {
  /** Most events to return. */
  limit: number;
  /** `nextCursor` of the previous page; absent for the newest page. */
  cursor?: string;
}

/** Append-only audit trail with a bounded retention. */
export interface AuditLog {
  /**
   * Appends one event (redacted) and writes it as a JSON log line too.
   *
   * @throws AuditWriteError when the event could not be stored. Callers about to take a
   * privileged action must then not take it (fail closed); callers recording a mere fact may
   * swallow it (see `recordOrLog` in `src/audit`).
   */
  record(event: AuditEventInput): Promise<void>;
  /** Events matching `filter`, newest first, one page at a time. */
  query(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage>;
}

/**
 * The audit log could not store an event. Same shape as `UserFacingError` (message + hint)
 * so the Slack layer can show it as is; nothing was done when a privileged action gets this.
 */
export class AuditWriteError extends Error implements UserVisibleError {
  override name = 'AuditWriteError';
  /** Stable code for log queries. */
  readonly code = ErrorCode.AuditUnavailable;
  readonly hint = 'Try again in a minute. If it keeps happening, ask the platform admin to check the bot’s Redis.';
  /** The action whose record failed, e.g. `approval.granted`. */
  readonly action: string;

  constructor(action: string, cause?: unknown) {
    super('The audit log is unavailable right now, so nothing was done.', cause === undefined ? undefined : { cause });
    this.action = action;
  }
}
