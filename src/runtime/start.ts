import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createRoleResources, withDeadline } from './resources.ts';

export interface Running {
  /** The HTTP port actually bound (bot role, HTTP mode). */
  port?: number;
  /** Stops taking work, lets active jobs finish (up to the grace period), closes connections. */
  stop(): Promise<void>;
}

/**
 * Composition root: builds every client from config and starts the roles asked for. The
 * bot role answers Slack; the worker role runs jobs against Azure and sends the outbox.
 * All state is in Redis, so any number of either can run side by side.
 */
export async function start(config: Config, logger: Logger): Promise<Running> {
  const res = createRoleResources(config, logger);
  const { workers, closers } = res;
  let app: App | undefined;
  let port: number | undefined;
  // Each role loads only its own SDKs: a worker never needs Bolt, a bot never needs the Azure clients.
  if (config.role === 'worker' || config.role === 'all') await (await import('./start-worker.ts')).startWorker(res);
  if (config.role === 'bot' || config.role === 'all') ({ app, port } = await (await import('./start-bot.ts')).startBot(res));

  let stopping: Promise<void> | undefined;
  return {
    ...(port !== undefined && { port }),
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down: no new work; letting active jobs finish');
        await app?.stop().catch(() => {});
        const graceful = Promise.all(workers.map((w) => w.close()));
        const timedOut = await Promise.race([
          graceful.then(() => false),
          new Promise<boolean>((r) => setTimeout(r, config.worker.shutdownGraceMs, true).unref()),
        ]);
        if (timedOut) {
          // Whatever is still active is handed back: its lock lapses and another worker resumes it from its saved step.
          logger.warn('grace period over; handing unfinished jobs back to the queue');
          await withDeadline(Promise.all(workers.map((w) => w.close(true))), 2000);
        }
        // With Redis unreachable a close can wait forever; exiting is what matters then.
        for (const close of closers) await withDeadline(close().catch(() => {}), 2000);
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
