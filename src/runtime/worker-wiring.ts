import { WebClient } from '@slack/web-api';
import type { TokenCredential } from '@azure/identity';
import type { Redis } from 'ioredis';
import type { AuditLog } from '../core/audit.ts';
import type { HomeRefreshQueue } from '../outbox/home-refresh-queue.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import type { RedisApprovals } from '../queue/approvals.ts';
import type { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import type { RedisExpirySnapshots } from '../queue/credential-snapshot.ts';
import type { RedisDeployHistory } from '../queue/deploy-history.ts';
import type { RedisHomeStore } from '../queue/home-store.ts';
import type { BullWatchSchedules, RedisTaskWatchStore } from '../queue/task-watches.ts';
import type { RoleResources } from './resources.ts';

/** What the worker role's parts share: made once in `startWorker`, handed to each. */
export interface WorkerWiring extends Pick<RoleResources, 'config' | 'logger' | 'metrics'> {
  redis: Redis;
  prefix: string;
  credential: TokenCredential;
  store: OutboxStore;
  jobs: BullJobQueue;
  homeRefresh: HomeRefreshQueue;
  approvals: RedisApprovals;
  homeStore: RedisHomeStore;
  history: RedisDeployHistory;
  snapshots: RedisExpirySnapshots;
  audit: AuditLog;
  /** For the jobs' private answers, App Homes and group look-ups. */
  slack: WebClient;
  /** Watched ACR tasks (config and `/acr task subscribe`) and their registries' watchers. */
  watches: RedisTaskWatchStore;
  watchSchedules: BullWatchSchedules;
}

/** The worker's two Slack clients: one for answers and Homes, and the outbox's own. */
export function workerSlackClients(
  config: RoleResources['config'],
  slackFetch: NonNullable<ConstructorParameters<typeof WebClient>[1]>['fetch'],
): { slack: WebClient; outboxSlack: WebClient } {
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
  return { slack, outboxSlack };
}
