import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/** Bolt's logger interface over pino, so the whole process writes one JSON log stream. */
export function toBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  const text = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => log.debug(text(m)),
    info: (...m) => log.info(text(m)),
    warn: (...m) => log.warn(text(m)),
    error: (...m) => log.error(text(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
