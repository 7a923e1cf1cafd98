import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { startHealthServer } from './health-server.ts';
import type { OpsView } from './ops-endpoints.ts';
import { runReadinessChecks } from './readiness.ts';
import { createRoleResources, withDeadline, type RoleResources } from './resources.ts';
import type { SupervisorLink } from './supervisor-link.ts';

export interface Running {
  /** The HTTP port actually bound (bot role, HTTP mode). */
  port?: number;
  /** This process's own health, readiness and metrics. */
  ops: OpsView;
  /** Stops taking work, lets active jobs finish (up to the grace period), closes connections. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Set in a child of the supervisor (`npm start`): its endpoints report what the supervisor merges. */
  link?: SupervisorLink;
}

/**
 * Composition root: builds every client from config and starts the roles asked for. The
 * bot role answers Slack; the worker role runs jobs against Azure and sends the outbox.
 * All state is in Redis, so any number of either can run side by side. `all` in one process
 * is what tests and the playground use; `npm start` runs each role in a child process of the
 * supervisor instead (see supervisor.ts).
 */
export async function start(config: Config, logger: Logger, options: StartOptions = {}): Promise<Running> {
  const res = await createRoleResources(config, logger, createMetrics(config.role));
  const { workers, closers } = res;
  const local = localOpsView(res);
  options.link?.answerWith(local, res.metrics.registry);
  const served = options.link?.mergedView() ?? local;
  let app: App | undefined;
  let port: number | undefined;
  // Each role loads only its own SDKs: a worker never needs Bolt, a bot never needs the Azure clients.
  if (config.role === 'worker' || config.role === 'all') await (await import('./start-worker.ts')).startWorker(res);
  if (config.role === 'bot' || config.role === 'all') ({ app, port } = await (await import('./start-bot.ts')).startBot(res, served));
  else if (!options.link) {
    // A worker on its own serves probes and metrics on PORT; a supervised one is reached through the supervisor.
    const health = await startHealthServer(config.port, served);
    closers.push(() => new Promise((r) => health.close(r)));
  }

  let stopping: Promise<void> | undefined;
  return {
    ...(port !== undefined && { port }),
    ops: local,
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
        for (const close of closers)
          await withDeadline(
            close().catch(() => {}),
            2000,
          );
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/** This process's view: its liveness facts, its readiness checks (one per name), its registry. */
function localOpsView(res: RoleResources): OpsView {
  return {
    async health() {
      const failing = res.liveness.map((f) => f()).filter((r) => !r.ok);
      return failing.length === 0 ? { ok: true } : { ok: false, detail: failing.map((r) => r.detail).join('; ') };
    },
    readiness: () => runReadinessChecks([...new Map(res.readiness.map((c) => [c.name, c])).values()]),
    async metrics() {
      return { contentType: res.metrics.registry.contentType, text: await res.metrics.registry.metrics() };
    },
  };
}
