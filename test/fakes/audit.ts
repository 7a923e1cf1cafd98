import type { AuditEventInput, AuditLog, AuditPage } from '../../src/core/audit.ts';

/** An audit log in memory: keeps every event recorded, in order; queries answer one empty page. */
export class FakeAudit implements AuditLog {
  readonly events: AuditEventInput[] = [];

  async record(event: AuditEventInput): Promise<void> {
    this.events.push(event);
  }

  async query(): Promise<AuditPage> {
    return { events: [] };
  }
}
