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
import { RedisAuditLog } from '../audit/redis-audit-log.ts';
import { RedisDeployHistory } from '../queue/deploy-history.ts';
import { RedisGroupLocks } from '../queue/group-locks.ts';
import { GraphApplications } from '../azure/graph/applications.ts';
import { AzureRegistryTokens } from '../azure/acr-tokens.ts';
import { AcrClients } from '../azure/acr-clients.ts';
import { AzureAcrTasks } from '../azure/acr-tasks.ts';
import { AzureRegistryAdmin } from '../azure/registry-admin.ts';
import { EntraSecretVerifier } from '../azure/secret-verifier.ts';
import { RedisAlertLedger } from '../queue/credential-alerts.ts';
import { scheduleCredentialScans } from '../queue/schedules.ts';
import { ResponseUrlReplies } from '../slack/response-url-replies.ts';
import { createOutboxSender } from '../slack/outbox-sender.ts';
import { startHealthServer } from './health-server.ts';
import { ping, type RoleResources } from './resources.ts';

/** The worker role: Azure clients, the job handlers in `jobs/`, and the Slack outbox sender. */
export async function startWorker(res: RoleResources): Promise<void> {
  const { config, logger, workers, closers } = res;
  const redis = res.redisFor('worker');
  const credential = createAzureCredential(config.azure.credential, config.azure.endpoints);
  const acr = new AzureAcrBuilds({ credential, resourceManager: config.azure.endpoints.resourceManager });
  const store = new OutboxStore(redis);
  const jobs = new BullJobQueue(redis);
  closers.unshift(() => store.close(), () => jobs.close());
  const vault = new KeyVaultSecretReader({ credential });
  const acrClients = new AcrClients({ credential, resourceManager: config.azure.endpoints.resourceManager });
  await scheduleCredentialScans(jobs, config, logger);
  const worker = createJobWorker({
    connection: redis,
    logger,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    handlers: createJobHandlers({
      acr,
      logs: new BlobLogReader(),
      reporter: new OutboxReporter(store),
      cancels: new RedisCancelRequests(redis),
      claims: new RedisRunClaims(redis),
      jobs,
      aci: new AzureContainerGroups({ credential, resourceManager: config.azure.endpoints.resourceManager }),
      secrets: vault,
      vault,
      applications: new GraphApplications({ credential, endpoint: config.azure.endpoints.graph }),
      verifier: new EntraSecretVerifier(config.file.credentials?.tenantId ?? config.azure.credential.tenantId ?? '', config.azure.endpoints),
      ledger: new RedisAlertLedger(redis),
      registryAdmin: new AzureRegistryAdmin(acrClients),
      acrTasks: new AzureAcrTasks(acrClients),
      registryTokens: new AzureRegistryTokens(acrClients),
      replies: new ResponseUrlReplies(),
      credentials: config.file.credentials,
      ...(config.azure.credential.clientId && { botAppId: config.azure.credential.clientId.toLowerCase() }),
      teamId: config.access.team?.id ?? '',
      registryTags: new AzureRegistryTags({ credential, resourceManager: config.azure.endpoints.resourceManager, audience: config.azure.endpoints.containerRegistryAudience }),
      approvals: new RedisApprovals(redis),
      locks: new RedisGroupLocks(redis),
      history: new RedisDeployHistory(redis),
      environments: config.environments,
      audit: new RedisAuditLog({ redis, logger }),
      portal: config.azure.endpoints.portal,
      pollIntervalMs: config.worker.pollIntervalMs,
    }),
  });
  workers.push(worker);
  void worker.run();
  // The outbox sender runs beside the jobs, not in the bot: the bot's event loop is kept
  // for acking Slack within 3 s, and the Slack writes come from the jobs anyway.
  const slack = new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    // 429s come back to the outbox, which paces the channel and waits durably, instead of being
    // slept on inside one process. No retries here: a post whose answer was lost may have gone
    // through, and the outbox looks the card up before it posts again.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  const outboxWorker = createOutboxWorker({
    connection: redis,
    logger,
    lockDurationMs: config.worker.lockDurationMs,
    flush: createOutboxSender({ client: slack, store, redis, logger, admins: config.admins, haltProbeMs: config.slack.haltProbeMs }),
  });
  workers.push(outboxWorker);
  void outboxWorker.run();
  logger.info({ concurrency: config.worker.concurrency }, 'job worker started');
  if (config.role === 'worker') {
    const health = await startHealthServer(config.port, async () => worker.isRunning() && (await ping(redis)));
    closers.push(() => new Promise((r) => health.close(r)));
  }
}
