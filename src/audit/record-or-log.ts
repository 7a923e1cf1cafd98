import type { Logger } from 'pino';
import type { AuditEventInput, AuditLog } from '../core/audit.ts';
import { redactDeep } from '../core/redact.ts';

/**
 * Records an event whose loss must not block the user: a refused command, an `info` fact,
 * an admin's query. Logs a failure at error level (with the redacted event, so the JSON log
 * still carries it) and resolves anyway.
 *
 * Not for privileged actions (approvals, rotations, deploys, cancellations): those call
 * `audit.record` and do not act when it throws, so nothing happens that the audit log lacks.
 */
export async function recordOrLog(audit: AuditLog, event: AuditEventInput, logger: Logger): Promise<void> {
  try {
    await audit.record(event);
  } catch (err) {
    logger.error({ audit: redactDeep(event), err }, 'audit record lost');
  }
}
