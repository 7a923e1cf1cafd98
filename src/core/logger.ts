import { pino, type Logger } from 'pino';
import { redactDeep } from './redact.ts';

/**
 * JSON logs on stdout. Every record passes through redaction, and whole Slack payloads or
 * tokens are never handed to the logger in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'azure-chatops' },
      formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? (redactDeep(a) as string) : a));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
