import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';

/**
 * The test Redis on database 11, which only the audit tests use: global setup points
 * TEST_REDIS_URL at the machine's (or a private) Redis, and these tests FLUSHDB freely.
 */
export function connectAuditRedis(): Redis {
  const base = process.env.TEST_REDIS_URL;
  if (base === undefined) throw new Error('TEST_REDIS_URL is not set; run through vitest (global setup sets it).');
  const url = new URL(base);
  url.pathname = '/11';
  return new Redis(url.toString(), { maxRetriesPerRequest: 1 });
}

/** A logger that keeps every JSON line, WITHOUT the app logger's own redaction, so tests see what the audit code itself wrote. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const raw = () => chunks.join('');
  const lines = () =>
    raw()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, raw };
}

/** A fixed clock that tests move by hand. */
export function manualClock(start: Date): { now: () => Date; set: (at: Date) => void } {
  let current = start;
  return { now: () => current, set: (at) => (current = at) };
}
