import { createJobHandlers } from '../../jobs/index.ts';
import { auditStreamKey, RedisAuditLog } from '../audit/redis-audit-log.ts';
import { createAzureCredential } from '../azure/credential.ts';
import { observedAzureClient } from '../azure/request-metrics.ts';
import { HomeRefreshQueue } from '../outbox/home-refresh-queue.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import { RedisApprovals } from '../queue/approvals.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { RedisExpirySnapshots } from '../queue/credential-snapshot.ts';
import { RedisDeployHistory } from '../queue/deploy-history.ts';
import { RedisHomeStore } from '../queue/home-store.ts';
import { createJobWorker } from '../queue/job-worker.ts';
import { observeJobs, registerQueueGauges } from '../queue/queue-metrics.ts';
import { scheduleCredentialScans } from '../queue/schedules.ts';
import { BullWatchSchedules, RedisTaskWatchStore } from '../queue/task-watches.ts';
import { syncWatchSchedules } from '../core/task-watch/sync.ts';
import { slackDeliveryCheck } from '../slack/delivery/delivery-health.ts';
import { observedSlackFetch } from '../slack/observed-fetch.ts';
import { observeAudit, registerApprovalsGauge } from './observed-ports.ts';
import { azureTokenCheck, configCheck, redisCheck, slackTokenCheck } from './readiness-checks.ts';
import type { RoleResources } from './resources.ts';
import { jobDeps } from './worker-job-deps.ts';
import { serveWorkerAdmin, startHomeWorker, startOutboxWorker } from './worker-loops.ts';
import { workerSlackClients, type WorkerWiring } from './worker-wiring.ts';

/** The worker role: Azure clients, the job handlers in `jobs/`, the Slack outbox sender and the App Home publisher. */
export async function startWorker(res: RoleResources): Promise<void> {
  const { config, logger, workers, closers, metrics } = res;
  const redis = res.redisFor('worker');
  const prefix = config.redis.prefix;
  const resourceManager = config.azure.endpoints.resourceManager;
  const credential = createAzureCredential(config.azure.credential, config.azure.endpoints, observedAzureClient('entra-id', metrics));
  const store = new OutboxStore(redis, prefix);
  const jobs = new BullJobQueue(redis, { prefix });
  // The App Home follows what jobs change: their cards, approvals, deploys and credential scans.
  const homeRefresh = new HomeRefreshQueue(redis, prefix);
  closers.unshift(
    () => store.close(),
    () => jobs.close(),
    () => homeRefresh.close(),
  );
  // The connection's own listener logs Redis trouble; without one, BullMQ prints each error again as raw text on stderr.
  for (const queue of [jobs.queue, store.queue, homeRefresh.queue]) queue.on('error', () => {});
  const approvals = new RedisApprovals(redis, prefix);
  registerQueueGauges(metrics.registry, { jobs: jobs.queue, outbox: store.queue, home: homeRefresh.queue });
  registerApprovalsGauge(metrics.registry, approvals);
  const slackFetch = observedSlackFetch(metrics, config.slack.apiUrl);
  await scheduleCredentialScans(jobs, config, logger);
  const watches = new RedisTaskWatchStore(redis, prefix);
  const watchSchedules = new BullWatchSchedules(jobs.queue, config.worker.taskWatchMs);
  const watched = await syncWatchSchedules(config.environments, watches, watchSchedules);
  if (watched.length > 0) logger.info({ registries: watched.length, everyMs: config.worker.taskWatchMs }, 'ACR task runs watched');
  const homeStore = new RedisHomeStore(redis, prefix);
  const history = new RedisDeployHistory(redis, prefix);
  const snapshots = new RedisExpirySnapshots(redis, prefix);
  const audit = observeAudit(new RedisAuditLog({ redis, logger, key: auditStreamKey(prefix) }), metrics);
  const { slack, outboxSlack } = workerSlackClients(config, slackFetch);
  const wiring: WorkerWiring = {
    config,
    logger,
    metrics,
    redis,
    prefix,
    credential,
    store,
    jobs,
    homeRefresh,
    approvals,
    homeStore,
    history,
    snapshots,
    audit,
    slack,
    watches,
    watchSchedules,
  };
  const worker = createJobWorker({
    connection: redis,
    logger,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    prefix,
    handlers: createJobHandlers(jobDeps(wiring)),
  });
  observeJobs(worker, metrics, redis, `${prefix}:job-started`);
  workers.push(worker);
  void worker.run();
  const outboxWorker = startOutboxWorker(wiring, outboxSlack, workers);
  const homeWorker = startHomeWorker(wiring, workers);
  res.liveness.push(
    () => (worker.isRunning() ? { ok: true } : { ok: false, detail: 'the job worker is not running' }),
    () => (outboxWorker.isRunning() ? { ok: true } : { ok: false, detail: 'the Slack outbox worker is not running' }),
    () => (homeWorker.isRunning() ? { ok: true } : { ok: false, detail: 'the App Home worker is not running' }),
  );
  res.readiness.push(
    configCheck(config),
    redisCheck(redis),
    slackTokenCheck(config.slack, slackFetch),
    // Blocking: while Slack refuses the token the outbox sends nothing (everything stays queued).
    slackDeliveryCheck(redis, prefix),
    azureTokenCheck(credential, resourceManager),
  );
  if (config.admin) await serveWorkerAdmin(wiring, config.admin, closers);
  logger.info({ concurrency: config.worker.concurrency }, 'job worker started');
}
