import type { WebClient } from '@slack/web-api';
import { createAccessPolicy } from '../core/access/access-policy.ts';
import { createHomeWorker } from '../outbox/home-worker.ts';
import { outboxJobCards } from '../outbox/job-cards.ts';
import { createOutboxWorker } from '../outbox/outbox-worker.ts';
import { observeOutboxDelivery } from '../queue/queue-metrics.ts';
import { createHomePublisher } from '../slack/home-publisher.ts';
import { createOutboxSender } from '../slack/outbox-sender.ts';
import { SlackGroupMembers } from '../slack/usergroup-members.ts';
import type { RoleResources } from './resources.ts';
import type { WorkerWiring } from './worker-wiring.ts';

/**
 * The Slack outbox sender. It runs beside the jobs, not in the bot: the bot's event loop is
 * kept for acking Slack within 3 s, and the Slack writes come from the jobs anyway.
 */
export function startOutboxWorker(w: WorkerWiring, outboxSlack: WebClient, workers: RoleResources['workers']) {
  const { config, redis, logger, prefix, store, metrics } = w;
  const outboxWorker = createOutboxWorker({
    connection: redis,
    logger,
    lockDurationMs: config.worker.lockDurationMs,
    prefix,
    flush: createOutboxSender({ client: outboxSlack, store, redis, prefix, logger, admins: config.admins, haltProbeMs: config.slack.haltProbeMs }),
  });
  observeOutboxDelivery(outboxWorker, metrics);
  workers.push(outboxWorker);
  void outboxWorker.run();
  return outboxWorker;
}

/** App Homes are built from stored state only (never Azure) and published by their own worker. */
export function startHomeWorker(w: WorkerWiring, workers: RoleResources['workers']) {
  const { config, redis, logger, prefix, slack, homeStore, homeRefresh, approvals, store, history, snapshots } = w;
  const groups = new SlackGroupMembers({ ttlMs: config.groupCacheMs, client: slack });
  const homeWorker = createHomeWorker({
    connection: redis,
    logger,
    lockDurationMs: config.worker.lockDurationMs,
    prefix,
    home: createHomePublisher({
      client: slack,
      store: homeStore,
      refresh: homeRefresh,
      logger,
      sources: {
        policy: createAccessPolicy({ config: config.access, environments: Object.keys(config.environments), groups }),
        groups,
        environments: config.environments,
        approvals,
        cards: outboxJobCards(store),
        userJobs: homeStore,
        deploys: history,
        notices: homeStore,
        ...(config.file.credentials && { credentials: { snapshots, withinDays: config.file.credentials.thresholdsDays[0]! } }),
      },
    }),
  });
  workers.push(homeWorker);
  void homeWorker.run();
  return homeWorker;
}

/**
 * The queue dashboard. Served by the worker, never the bot: its queries and page loads must not
 * sit in front of Slack's acks. Loaded only when configured, so a worker without it carries no Express.
 */
export async function serveWorkerAdmin(
  w: WorkerWiring,
  admin: NonNullable<RoleResources['config']['admin']>,
  closers: RoleResources['closers'],
): Promise<void> {
  const { jobs, store, homeRefresh, audit, logger } = w;
  const { startAdminServer } = await import('./admin-server.ts');
  const server = await startAdminServer({
    config: admin,
    queues: [
      { queue: jobs.queue, description: 'Azure work: builds, deploys, container changes, credential scans and rotations' },
      { queue: store.queue, description: 'Slack writes: one flush per job thread' },
      { queue: homeRefresh.queue, description: 'App Home publishes: one per person who opened the Home, at most every few seconds' },
    ],
    audit,
    logger,
  });
  closers.push(
    () =>
      new Promise((r) => {
        server.close(r);
        server.closeAllConnections();
      }),
  );
}
