import { WebClient } from '@slack/web-api';
import { createJobHandlers } from '../../jobs/index.ts';
import { AzureAcrBuilds } from '../azure/acr-builds.ts';
import { createAzureCredential } from '../azure/credential.ts';
import { BlobLogReader } from '../azure/log-blob-reader.ts';
import { OutboxReporter } from '../outbox/outbox-reporter.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import { createOutboxWorker } from '../outbox/outbox-worker.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { RedisCancelRequests, RedisRunClaims } from '../queue/cancel-requests.ts';
import { createJobWorker } from '../queue/job-worker.ts';
import { AzureContainerGroups } from '../azure/aci/container-groups.ts';
import { KeyVaultSecretReader } from '../azure/key-vault/secret-reader.ts';
import { AzureRegistryTags } from '../azure/registry/registry-tags.ts';
import { RedisApprovals } from '../queue/approvals.ts';
import { auditStreamKey, RedisAuditLog } from '../audit/redis-audit-log.ts';
import { RedisDeployHistory } from '../queue/deploy-history.ts';
import { RedisGroupLocks } from '../queue/group-locks.ts';
import { RedisRotationClaims } from '../queue/rotation-claims.ts';
import { GraphApplications } from '../azure/graph/applications.ts';
import { AzureRegistryTokens } from '../azure/acr-tokens.ts';
import { AcrClients } from '../azure/acr-clients.ts';
import { AzureAcrTasks } from '../azure/acr-tasks.ts';
import { AzureRegistryAdmin } from '../azure/registry-admin.ts';
import { EntraSecretVerifier } from '../azure/secret-verifier.ts';
import { RedisAlertLedger } from '../queue/credential-alerts.ts';
import { scheduleCredentialScans } from '../queue/schedules.ts';
import { BullWatchSchedules, RedisTaskWatchStore } from '../queue/task-watches.ts';
import { RedisTaskDeploys } from '../queue/task-deploys.ts';
import { syncWatchSchedules } from '../core/task-watch/sync.ts';
import { ResponseUrlReplies } from '../slack/response-url-replies.ts';
import { SlackPrivateAnswers } from '../slack/private-answers.ts';
import { RedisAnswerStore } from '../queue/answer-store.ts';
import { createOutboxSender } from '../slack/outbox-sender.ts';
import { slackDeliveryCheck } from '../slack/delivery/delivery-health.ts';
import { RequestMetricsMiddleware } from '../azure/graph/request-metrics-middleware.ts';
import { observedAzureClient, observedAzureFetch } from '../azure/request-metrics.ts';
import { observeJobs, observeOutboxDelivery, registerQueueGauges } from '../queue/queue-metrics.ts';
import { observedSlackFetch } from '../slack/observed-fetch.ts';
import { CredentialExpiryGauge, observeAudit, registerApprovalsGauge } from './observed-ports.ts';
import { azureTokenCheck, configCheck, redisCheck, slackTokenCheck } from './readiness-checks.ts';
import type { RoleResources } from './resources.ts';
import { createAccessPolicy } from '../core/access/access-policy.ts';
import { refreshingApprovals, refreshingDeployHistory, refreshingReporter, refreshingSnapshots } from '../core/home/refreshing.ts';
import { HomeRefreshQueue } from '../outbox/home-refresh-queue.ts';
import { createHomeWorker } from '../outbox/home-worker.ts';
import { outboxJobCards } from '../outbox/job-cards.ts';
import { RedisExpirySnapshots } from '../queue/credential-snapshot.ts';
import { RedisHomeStore } from '../queue/home-store.ts';
import { createHomePublisher } from '../slack/home-publisher.ts';
import { SlackGroupMembers } from '../slack/usergroup-members.ts';

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
  closers.unshift(() => store.close(), () => jobs.close(), () => homeRefresh.close());
  // The connection's own listener logs Redis trouble; without one, BullMQ prints each error again as raw text on stderr.
  for (const queue of [jobs.queue, store.queue, homeRefresh.queue]) queue.on('error', () => {});
  const vault = new KeyVaultSecretReader({ credential, clientOptions: observedAzureClient('keyvault', metrics) });
  const acrOptions = { credential, resourceManager, clientOptions: observedAzureClient('arm-containerregistry', metrics) };
  const acrClients = new AcrClients(acrOptions);
  const acr = new AzureAcrBuilds(acrClients);
  const approvals = new RedisApprovals(redis, prefix);
  const expiry = new CredentialExpiryGauge(metrics.registry, config.file.credentials?.thresholdsDays ?? [30, 14, 7, 3, 1]);
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
  // The jobs' private answers, App Homes and group look-ups: a 5xx gets two quick retries (a
  // private answer shown twice after a lost answer is harmless; a second card is not, hence the
  // outbox's own client below).
  const slack = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    fetch: slackFetch,
    // 429s come back to the caller (the Home worker waits durably) instead of being slept on inside one process.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
  });
  // The outbox's own client, counted in the metrics like every other (Slack calls by method and
  // error code, 429s). 429s come back to the outbox, which paces the channel and waits durably,
  // instead of being slept on inside one process. No retries here: a post whose answer was lost
  // may have gone through, and the outbox looks the card up before it posts again.
  const outboxSlack = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    fetch: slackFetch,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const worker = createJobWorker({
    connection: redis,
    logger,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    prefix,
    handlers: createJobHandlers({
      acr,
      logs: new BlobLogReader(observedAzureFetch('storage', metrics)),
      reporter: refreshingReporter(new OutboxReporter(store), { jobs: homeStore, refresh: homeRefresh }),
      cancels: new RedisCancelRequests(redis, prefix),
      claims: new RedisRunClaims(redis, prefix),
      jobs,
      aci: new AzureContainerGroups({ credential, resourceManager, clientOptions: observedAzureClient('arm-containerinstance', metrics) }),
      secrets: vault,
      vault,
      applications: expiry.observeApplications(new GraphApplications({ credential, endpoint: config.azure.endpoints.graph, observer: new RequestMetricsMiddleware(metrics) })),
      verifier: new EntraSecretVerifier(config.file.credentials?.tenantId ?? config.azure.credential.tenantId ?? '', config.azure.endpoints, observedAzureClient('entra-id', metrics)),
      ledger: new RedisAlertLedger(redis, prefix),
      rotations: new RedisRotationClaims(redis, prefix),
      registryAdmin: new AzureRegistryAdmin(acrClients),
      acrTasks: new AzureAcrTasks(acrClients),
      registryTokens: expiry.observeRegistryTokens(new AzureRegistryTokens(acrClients, { fetch: observedAzureFetch('acr-data', metrics) })),
      replies: new ResponseUrlReplies(),
      answers: new SlackPrivateAnswers({ client: slack, store: new RedisAnswerStore(redis, prefix), logger }),
      credentials: config.file.credentials,
      ...(config.azure.credential.clientId && { botAppId: config.azure.credential.clientId.toLowerCase() }),
      teamId: config.access.team?.id ?? '',
      registryTags: new AzureRegistryTags({
        ...acrOptions,
        audience: config.azure.endpoints.containerRegistryAudience,
        dataClientOptions: observedAzureClient('acr-data', metrics),
      }),
      approvals: refreshingApprovals(approvals, homeRefresh),
      locks: new RedisGroupLocks(redis, prefix),
      history: refreshingDeployHistory(history, homeRefresh),
      snapshots: refreshingSnapshots(snapshots, homeRefresh),
      environments: config.environments,
      audit,
      portal: config.azure.endpoints.portal,
      pollIntervalMs: config.worker.pollIntervalMs,
      watches,
      schedules: watchSchedules,
      taskDeploys: new RedisTaskDeploys(redis, prefix),
      taskWatchMs: config.worker.taskWatchMs,
    }),
  });
  observeJobs(worker, metrics, redis, `${prefix}:job-started`);
  workers.push(worker);
  void worker.run();
  // The outbox sender runs beside the jobs, not in the bot: the bot's event loop is kept
  // for acking Slack within 3 s, and the Slack writes come from the jobs anyway.
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
  // App Homes are built from stored state only (never Azure) and published by their own worker.
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
  if (config.admin) {
    // Served by the worker, never the bot: its queries and page loads must not sit in front of Slack's acks.
    // Loaded only when configured, so a worker without it carries no Express.
    const { startAdminServer } = await import('./admin-server.ts');
    const admin = await startAdminServer({
      config: config.admin,
      queues: [
        { queue: jobs.queue, description: 'Azure work: builds, deploys, container changes, credential scans and rotations' },
        { queue: store.queue, description: 'Slack writes: one flush per job thread' },
        { queue: homeRefresh.queue, description: 'App Home publishes: one per person who opened the Home, at most every few seconds' },
      ],
      audit,
      logger,
    });
    closers.push(() => new Promise((r) => {
      admin.close(r);
      admin.closeAllConnections();
    }));
  }
  logger.info({ concurrency: config.worker.concurrency }, 'job worker started');
}
