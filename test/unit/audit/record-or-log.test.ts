import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { recordOrLog } from '../../../src/audit/index.ts';
import { AuditWriteError, type AuditEventInput, type AuditLog } from '../../../src/core/audit.ts';

function capture() {
  const chunks: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write: (c: Buffer, _e, done) => {
        chunks.push(c.toString());
        done();
      },
    }),
  );
  return { logger, text: () => chunks.join('') };
}

function fakeAudit(fail: boolean): AuditLog & { recorded: AuditEventInput[] } {
  const recorded: AuditEventInput[] = [];
  return {
    recorded,
    async record(event) {
      if (fail) throw new AuditWriteError(event.action, new Error('connection refused'));
      recorded.push(event);
    },
    async query() {
      return { events: [] };
    },
  };
}

const event: AuditEventInput = { actor: 'U0ALICE1', action: 'admin.audit.query', outcome: 'info', reason: 'client_secret=SECRET' };

describe('recordOrLog', () => {
  it('records through the audit log', async () => {
    const audit = fakeAudit(false);
    const { logger, text } = capture();
    await recordOrLog(audit, event, logger);
    expect(audit.recorded).toEqual([event]);
    expect(text()).toBe('');
  });

  it('swallows a failure and logs it at error level, redacted', async () => {
    const { logger, text } = capture();
    await expect(recordOrLog(fakeAudit(true), event, logger)).resolves.toBeUndefined();
    const line = JSON.parse(text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 50, msg: 'audit record lost', audit: { action: 'admin.audit.query' } });
    expect(text()).not.toContain('SECRET');
  });
});
