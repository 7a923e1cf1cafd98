import type { JobDeps } from '../../jobs/index.ts';
import { AcrClients } from '../azure/acr-clients.ts';
import { AzureAcrBuilds } from '../azure/acr-builds.ts';
import { AzureAcrTasks } from '../azure/acr-tasks.ts';
import { AzureRegistryTokens } from '../azure/acr-tokens.ts';
import { AzureContainerGroups } from '../azure/aci/container-groups.ts';
import { GraphApplications } from '../azure/graph/applications.ts';
import { RequestMetricsMiddleware } from '../azure/graph/request-metrics-middleware.ts';
import { KeyVaultSecretReader } from '../azure/key-vault/secret-reader.ts';
import { BlobLogReader } from '../azure/log-blob-reader.ts';
import { AzureRegistryAdmin } from '../azure/registry-admin.ts';
import { AzureImageImport } from '../azure/registry/image-import.ts';
import { AzureRegistryTags } from '../azure/registry/registry-tags.ts';
import { observedAzureClient, observedAzureFetch } from '../azure/request-metrics.ts';
import { EntraSecretVerifier } from '../azure/secret-verifier.ts';
import { refreshingApprovals, refreshingDeployHistory, refreshingReporter, refreshingSnapshots } from '../core/home/refreshing.ts';
import { OutboxReporter } from '../outbox/outbox-reporter.ts';
import { RedisAnswerStore } from '../queue/answer-store.ts';
import { RedisCancelRequests, RedisRunClaims } from '../queue/cancel-requests.ts';
import { RedisAlertLedger } from '../queue/credential-alerts.ts';
import { RedisGroupLocks } from '../queue/group-locks.ts';
import { RedisRotationClaims } from '../queue/rotation-claims.ts';
import { RedisTaskDeploys } from '../queue/task-deploys.ts';
import { SlackPrivateAnswers } from '../slack/private-answers.ts';
import { ResponseUrlReplies } from '../slack/response-url-replies.ts';
import { CredentialExpiryGauge } from './observed-ports.ts';
import type { WorkerWiring } from './worker-wiring.ts';

/** The ports the job handlers in `jobs/` work through: the Azure adapters, Redis stores and the Slack outbox. */
export function jobDeps(w: WorkerWiring): JobDeps {
  const {
    config,
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
    logger,
    watches,
    watchSchedules,
  } = w;
  const resourceManager = config.azure.endpoints.resourceManager;
  const vault = new KeyVaultSecretReader({ credential, clientOptions: observedAzureClient('keyvault', metrics) });
  const acrOptions = { credential, resourceManager, clientOptions: observedAzureClient('arm-containerregistry', metrics) };
  const acrClients = new AcrClients(acrOptions);
  const acr = new AzureAcrBuilds(acrClients);
  const expiry = new CredentialExpiryGauge(metrics.registry, config.file.credentials?.thresholdsDays ?? [30, 14, 7, 3, 1]);
  return {
    acr,
    logs: new BlobLogReader(observedAzureFetch('storage', metrics)),
    reporter: refreshingReporter(new OutboxReporter(store), { jobs: homeStore, refresh: homeRefresh }),
    cancels: new RedisCancelRequests(redis, prefix),
    claims: new RedisRunClaims(redis, prefix),
    jobs,
    aci: new AzureContainerGroups({ credential, resourceManager, clientOptions: observedAzureClient('arm-containerinstance', metrics) }),
    secrets: vault,
    vault,
    applications: expiry.observeApplications(
      new GraphApplications({ credential, endpoint: config.azure.endpoints.graph, observer: new RequestMetricsMiddleware(metrics) }),
    ),
    verifier: new EntraSecretVerifier(
      config.file.credentials?.tenantId ?? config.azure.credential.tenantId ?? '',
      config.azure.endpoints,
      observedAzureClient('entra-id', metrics),
    ),
    ledger: new RedisAlertLedger(redis, prefix),
    rotations: new RedisRotationClaims(redis, prefix),
    registryAdmin: new AzureRegistryAdmin(acrClients),
    acrTasks: new AzureAcrTasks(acrClients),
    importer: new AzureImageImport(acrClients),
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
  };
}
