import type { AuditEventInput, AuditLog, AuditPage } from '../../src/core/audit.ts';

/** An audit log in memory: keeps every event recorded, in order; queries answer one empty page. */
export class FakeAudit implements AuditLog {
  readonly events: AuditEventInput[] = [];
  /** While set, every write fails with it (the store is down: `AuditWriteError`) and nothing is kept. */
  failWith: Error | undefined;

  async record(event: AuditEventInput): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.events.push(event);
  }

  async query(): Promise<AuditPage> {
    return { events: [] };
  }
}
