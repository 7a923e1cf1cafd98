import { AUDIT_OUTCOMES, type AuditEvent, type AuditEventInput } from '../core/audit.ts';
import { redactText } from '../core/redact.ts';

/** Longest stored string field; an Azure error pasted into `reason` must not bloat the stream. */
export const MAX_AUDIT_FIELD_LENGTH = 1000;
/** Most `details` entries kept. */
export const MAX_AUDIT_DETAILS = 32;

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/**
 * `details` keys whose value is a secret by name, whatever it looks like (`clientSecret`,
 * `sasToken`, `password`, `accountKey`). Only the END of the key counts, so a secret's name
 * (`secretName`, `tokenId`) is kept: naming what was rotated is the point of the audit.
 */
const SECRET_KEY =
  /(password|passwd|pwd|secret|token|credentials?|signature|sas|api[_-]?key|access[_-]?key|account[_-]?key|private[_-]?key|connection[_-]?string)$/i;

/**
 * The event as it will be stored and logged: time filled in and normalised to ISO UTC,
 * every string passed through {@link redactText} and cut to {@link MAX_AUDIT_FIELD_LENGTH},
 * secret-named `details` masked, absent fields left out.
 *
 * @throws TypeError for programmer mistakes: empty actor, malformed action, unknown outcome,
 * unparseable `at`. These are bugs, and an audit record must not silently lose its meaning.
 */
export function sanitizeAuditEvent(input: AuditEventInput, now: Date): AuditEvent {
  if (typeof input.actor !== 'string' || input.actor.trim() === '') throw new TypeError('audit event needs an actor (a Slack user id or "system")');
  if (typeof input.action !== 'string' || !ACTION.test(input.action))
    throw new TypeError(`audit action must be dot-separated lowercase words, not ${JSON.stringify(input.action)}`);
  if (!AUDIT_OUTCOMES.includes(input.outcome)) throw new TypeError(`unknown audit outcome ${JSON.stringify(input.outcome)}`);
  const atMs = input.at === undefined ? now.getTime() : Date.parse(input.at);
  if (!Number.isFinite(atMs)) throw new TypeError(`audit "at" must be an ISO time, not ${JSON.stringify(input.at)}`);

  const event: AuditEvent = { at: new Date(atMs).toISOString(), actor: clean(input.actor), action: input.action, outcome: input.outcome };
  if (input.environment !== undefined) event.environment = clean(input.environment);
  if (input.target !== undefined) event.target = clean(input.target);
  if (input.jobId !== undefined) event.jobId = clean(input.jobId);
  if (input.reason !== undefined) event.reason = clean(input.reason);
  if (input.details !== undefined) event.details = cleanDetails(input.details);
  return event;
}

function clean(value: string): string {
  const text = redactText(String(value));
  return text.length > MAX_AUDIT_FIELD_LENGTH ? `${text.slice(0, MAX_AUDIT_FIELD_LENGTH - 1)}…` : text;
}

function cleanDetails(details: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [rawKey, value] of Object.entries(details).slice(0, MAX_AUDIT_DETAILS)) {
    const key = clean(rawKey).slice(0, 64);
    if (SECRET_KEY.test(key)) out[key] = '[redacted]';
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
    else out[key] = clean(toText(value));
  }
  return out;
}

/** Strings as they are; anything a JS caller passed despite the type (objects, NaN) as text. */
function toText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular or otherwise unserialisable: the audit write itself must not fail over it.
    return '[unserialisable]';
  }
}
