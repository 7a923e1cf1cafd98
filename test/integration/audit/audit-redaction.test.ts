import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_STREAM_KEY, formatAuditLines, RedisAuditLog } from '../../../src/audit/index.ts';
import type { AuditEventInput } from '../../../src/core/audit.ts';
import { captureLogger, connectAuditRedis } from './audit-test-kit.ts';

let redis: Redis;

beforeEach(async () => {
  redis = connectAuditRedis();
  await redis.flushdb();
});

afterEach(() => {
  redis.disconnect();
});

// Each secret value carries a marker that must appear nowhere after recording.
const SECRETS: [string, string][] = [
  ['a SAS URL', 'https://x.blob.core.windows.net/c?sv=2024&sig=SECRET123'],
  ['a Slack bot token', 'xoxb-123-SECRET'],
  ['a client secret in a query string', 'grant=x&client_secret=SECRET'],
  ['a bearer token', 'Authorization: Bearer SECRET.abc'],
  ['a password in a URL', 'https://admin:SECRET@db.example.com/x'],
  ['a JSON password', '{"password":"SECRET"}'],
];
const FIELDS = ['target', 'reason', 'environment', 'jobId', 'actor'] as const;

function withSecret(field: (typeof FIELDS)[number] | 'details', secret: string): AuditEventInput {
  const event: AuditEventInput = { actor: 'U0ALICE1', action: 'rotation.step', outcome: 'failed' };
  if (field === 'details') event.details = { step: 'set-secret', note: secret };
  else event[field] = secret;
  return event;
}

describe('no secret reaches the audit log', () => {
  const cases = SECRETS.flatMap(([name, secret]) => [...FIELDS, 'details' as const].map((field) => [name, field, secret] as const));

  it.each(cases)('%s in %s is redacted in the stream, the log line, query results and formatted lines', async (_name, field, secret) => {
    const log = captureLogger();
    const audit = new RedisAuditLog({ redis, logger: log.logger });
    await audit.record(withSecret(field, secret));

    const stored = JSON.stringify(await redis.xrange(AUDIT_STREAM_KEY, '-', '+'));
    const { events } = await audit.query({}, { limit: 5 });
    expect(events).toHaveLength(1);
    for (const text of [stored, log.raw(), JSON.stringify(events)]) {
      expect(text).not.toContain('SECRET');
      expect(text).toContain('[redacted]');
    }
    // Formatted lines leave details out, so only the absence of the secret is checked there.
    expect(formatAuditLines(events).join('\n')).not.toContain('SECRET');
  });

  it('masks details whose key names a secret, whatever the value looks like', async () => {
    const log = captureLogger();
    const audit = new RedisAuditLog({ redis, logger: log.logger });
    await audit.record({
      actor: 'U0ALICE1',
      action: 'rotation.step',
      outcome: 'succeeded',
      target: 'kv-prod/db-password',
      details: { clientSecret: 'hunter2', sasToken: 'hunter3', password: 'hunter4', accountKey: 'hunter5', secretName: 'db-password', step: 'verify' },
    });
    const stored = JSON.stringify(await redis.xrange(AUDIT_STREAM_KEY, '-', '+'));
    for (const text of [stored, log.raw()]) expect(text).not.toMatch(/hunter\d/);
    const { events } = await audit.query({}, { limit: 1 });
    // The secret's name is what was rotated: it stays.
    expect(events[0]?.details).toEqual({
      clientSecret: '[redacted]',
      sasToken: '[redacted]',
      password: '[redacted]',
      accountKey: '[redacted]',
      secretName: 'db-password',
      step: 'verify',
    });
    expect(events[0]?.target).toBe('kv-prod/db-password');
  });

  it('redacts the failure log line too when Redis refuses the write', async () => {
    const { Redis } = await import('ioredis');
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const log = captureLogger();
    try {
      await expect(new RedisAuditLog({ redis: down, logger: log.logger }).record(withSecret('reason', 'xoxb-123-SECRET'))).rejects.toThrow();
    } finally {
      down.disconnect();
    }
    expect(log.raw()).toContain('audit write failed');
    expect(log.raw()).not.toContain('SECRET');
  });
});
