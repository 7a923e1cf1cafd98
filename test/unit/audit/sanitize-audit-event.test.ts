import { describe, expect, it } from 'vitest';
import { MAX_AUDIT_DETAILS, MAX_AUDIT_FIELD_LENGTH, sanitizeAuditEvent } from '../../../src/audit/index.ts';
import type { AuditEventInput } from '../../../src/core/audit.ts';

const now = new Date('2024-06-10T12:00:00.000Z');
const base: AuditEventInput = { actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted' };

describe('sanitizeAuditEvent', () => {
  it('fills in the time from the clock and leaves absent fields out', () => {
    expect(sanitizeAuditEvent(base, now)).toEqual({ at: '2024-06-10T12:00:00.000Z', actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted' });
  });

  it('normalises a given time to ISO UTC', () => {
    expect(sanitizeAuditEvent({ ...base, at: '2024-06-10T14:00:00+02:00' }, now).at).toBe('2024-06-10T12:00:00.000Z');
  });

  it('redacts every string field and detail value', () => {
    const out = sanitizeAuditEvent(
      {
        ...base,
        target: 'https://a.blob.core.windows.net/c?sig=S1',
        reason: 'xoxb-1-S2',
        environment: 'client_secret=S3',
        jobId: 'Bearer S4',
        details: { note: 'password=S5', n: 3, ok: true },
      },
      now,
    );
    expect(JSON.stringify(out)).not.toMatch(/S[1-5]/);
    expect(out.details).toEqual({ note: 'password=[redacted]', n: 3, ok: true });
  });

  it.each([
    ['clientSecret', true],
    ['client_secret', true],
    ['sasToken', true],
    ['accessToken', true],
    ['password', true],
    ['dbPwd', true],
    ['accountKey', true],
    ['storage_access_key', true],
    ['apiKey', true],
    ['connectionString', true],
    ['privateKey', true],
    ['credentials', true],
    ['signature', true],
    ['secretName', false],
    ['tokenId', false],
    ['keyVault', false],
    ['step', false],
  ])('masks the detail %s: %s', (key, masked) => {
    const out = sanitizeAuditEvent({ ...base, details: { [key]: 'value-1' } }, now);
    expect(out.details?.[key]).toBe(masked ? '[redacted]' : 'value-1');
  });

  it('cuts long fields and keeps a bounded number of details', () => {
    const details = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const out = sanitizeAuditEvent({ ...base, reason: 'x'.repeat(5000), details }, now);
    expect(out.reason).toHaveLength(MAX_AUDIT_FIELD_LENGTH);
    expect(out.reason?.endsWith('…')).toBe(true);
    expect(Object.keys(out.details ?? {})).toHaveLength(MAX_AUDIT_DETAILS);
  });

  it('redacts before cutting, so a cut cannot expose part of a secret', () => {
    const reason = `${'x'.repeat(MAX_AUDIT_FIELD_LENGTH - 30)} xoxb-1-${'S'.repeat(100)}`;
    expect(sanitizeAuditEvent({ ...base, reason }, now).reason).not.toContain('SSS');
  });

  it('turns values a JS caller slipped past the type into text, and non-finite numbers too', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const details = { obj: { a: 1 }, nan: Number.NaN, circular } as unknown as Record<string, string>;
    expect(sanitizeAuditEvent({ ...base, details }, now).details).toEqual({ obj: '{"a":1}', nan: 'NaN', circular: '[unserialisable]' });
  });

  it.each<[string, Partial<AuditEventInput>]>([
    ['an empty actor', { actor: ' ' }],
    ['an action with capitals', { action: 'Command.acr' }],
    ['an action with spaces', { action: 'command acr' }],
    ['an empty action', { action: '' }],
    ['an unknown outcome', { outcome: 'done' as AuditEventInput['outcome'] }],
    ['an unparseable time', { at: 'yesterday' }],
  ])('refuses %s with a TypeError', (_name, change) => {
    expect(() => sanitizeAuditEvent({ ...base, ...change }, now)).toThrow(TypeError);
  });
});
