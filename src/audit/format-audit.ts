import type { AuditEvent } from '../core/audit.ts';
import { redactText } from '../core/redact.ts';

// Line breaks and other controls would split one event over several lines of the code
// block or file; bidi overrides could make a line read as something else.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * One plain-text line per event, in the order given (newest first from a query), for the
 * Slack layer to show in a code block or attach as a file:
 *
 * `2024-06-10 12:00:00Z U0ALICE   accepted  command.acr.build env=prod target=web:v1 job=j0abc12def345 reason: …`
 *
 * Time is UTC to the second; absent fields are left out. Every line is redacted again in
 * case an event predates a redaction rule. Not mrkdwn-escaped: that is the Slack layer's job.
 */
export function formatAuditLines(events: readonly AuditEvent[]): string[] {
  return events.map((e) => {
    const parts = [formatTime(e.at), e.actor.padEnd(11), e.outcome.padEnd(9), e.action];
    if (e.environment !== undefined) parts.push(`env=${e.environment}`);
    if (e.target !== undefined) parts.push(`target=${e.target}`);
    if (e.jobId !== undefined) parts.push(`job=${e.jobId}`);
    if (e.reason !== undefined) parts.push(`reason: ${e.reason}`);
    return redactText(parts.join(' ').replace(UNPRINTABLE, ' '));
  });
}

/** `2024-06-10 12:00:00Z`; an unparseable time is shown as stored. */
function formatTime(at: string): string {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z` : at;
}
