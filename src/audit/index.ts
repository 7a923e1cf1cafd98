/** The audit trail: the Redis-stream adapter of the `AuditLog` port and plain-text formatting. */
export { AUDIT_CURSOR_PATTERN, AUDIT_STREAM_KEY, MAX_AUDIT_PAGE_SIZE, RedisAuditLog, type RedisAuditLogOptions } from './redis-audit-log.ts';
export { formatAuditLines } from './format-audit.ts';
export { actionMatches, matchesAuditFilter } from './match-audit-filter.ts';
export { recordOrLog } from './record-or-log.ts';
export { MAX_AUDIT_DETAILS, MAX_AUDIT_FIELD_LENGTH, sanitizeAuditEvent } from './sanitize-audit-event.ts';
export { decodeAuditEntry } from './decode-audit-entry.ts';
