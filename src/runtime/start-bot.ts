import type { Redis } from 'ioredis';
import type { App } from '@slack/bolt';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type FetchFunction, WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { auditStreamKey, RedisAuditLog } from '../audit/redis-audit-log.ts';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/load-config.ts';
import { createAccessPolicy } from '../core/access/access-policy.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { RedisAnswerStore } from '../queue/answer-store.ts';
import { RedisApprovals } from '../queue/approvals.ts';
import { RedisCancelRequests, RedisRunClaims } from '../queue/cancel-requests.ts';
import { RedisDeployHistory } from '../queue/deploy-history.ts';
import { RedisRotationClaims } from '../queue/rotation-claims.ts';
import { RedisUserRateLimit } from '../queue/user-rate-limit.ts';
import { BullWatchSchedules, RedisTaskWatchStore } from '../queue/task-watches.ts';
import { refreshingApprovals } from '../core/home/refreshing.ts';
import { HomeRefreshQueue } from '../outbox/home-refresh-queue.ts';
import { RedisHomeStore } from '../queue/home-store.ts';
import { createSlackApp } from '../slack/app.ts';
import { SlackGroupMembers } from '../slack/usergroup-members.ts';
import { channelReadinessCheck, configuredChannels, logChannelReachability } from '../slack/channel-checks.ts';
import { observedSlackFetch } from '../slack/observed-fetch.ts';
import { startHealthServer } from './health-server.ts';
import { observeApprovalDecisions, observeAudit, registerApprovalsGauge } from './observed-ports.ts';
import { registerQueueGauges } from '../queue/queue-metrics.ts';
import { opsPaths, serveOps, type OpsView } from './ops-endpoints.ts';
import { advisory } from './readiness.ts';
import { configCheck, redisCheck, slackTokenCheck } from './readiness-checks.ts';
import { ready, type RoleResources } from './resources.ts';

/**
 * The bot role: Bolt on `POST /slack/events` (or Socket Mode), acking within Slack's 3 s. It
 * serves the operations endpoints from `ops` on the same port.
 */
export async function startBot(res: RoleResources, ops: OpsView): Promise<{ app: App; port: number }> {
  const { config, logger, closers, metrics } = res;
  const fetch = observedSlackFetch(metrics, config.slack.apiUrl);
  const producer = res.redisFor('producer');
  const prefix = config.redis.prefix;
  // The producer fails fast instead of queueing commands offline, so it must be connected
  // before BullMQ's queues run their start-up checks on it.
  await ready(producer, logger);
  const jobs = new BullJobQueue(producer, { prefix });
  const outbox = new OutboxStore(producer, prefix);
  const homeRefresh = new HomeRefreshQueue(producer, prefix);
  closers.unshift(
    () => jobs.close(),
    () => outbox.close(),
    () => homeRefresh.close(),
  );
  // The connection's own listener logs Redis trouble; without one, BullMQ prints each error again as raw text on stderr.
  for (const queue of [jobs.queue, outbox.queue, homeRefresh.queue]) queue.on('error', () => {});
  const approvals = new RedisApprovals(producer, prefix);
  const homeStore = new RedisHomeStore(producer, prefix);
  registerQueueGauges(metrics.registry, { jobs: jobs.queue, outbox: outbox.queue, home: homeRefresh.queue });
  registerApprovalsGauge(metrics.registry, approvals);
  const identity = await checkAtStartup(res, producer, fetch);
  const groups = new SlackGroupMembers({ ttlMs: config.groupCacheMs, client: slackForGroups(config, fetch) });
  const app = createSlackApp({
    botToken: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    ...(config.slack.signingSecret && { signingSecret: config.slack.signingSecret }),
    ...(config.slack.appToken && { appToken: config.slack.appToken }),
    ...(config.slack.apiUrl && { apiUrl: config.slack.apiUrl }),
    environments: config,
    policy: createAccessPolicy({
      config: config.access,
      environments: Object.keys(config.environments),
      groups,
    }),
    groups,
    // A decision changes what every approver's App Home lists.
    approvals: observeApprovalDecisions(refreshingApprovals(approvals, homeRefresh), metrics),
    history: new RedisDeployHistory(producer, prefix),
    ...(config.file.credentials && { credentials: config.file.credentials }),
    rotations: new RedisRotationClaims(producer, prefix),
    audit: observeAudit(new RedisAuditLog({ redis: producer, logger, key: auditStreamKey(prefix) }), metrics),
    rateLimit: new RedisUserRateLimit(producer, { perMinute: config.access.rateLimit.perMinute, prefix }),
    perMinute: config.access.rateLimit.perMinute,
    portal: config.azure.endpoints.portal,
    jobs,
    outbox,
    answers: new RedisAnswerStore(producer, prefix),
    cancels: new RedisCancelRequests(producer, prefix),
    runOwners: new RedisRunClaims(producer, prefix),
    taskWatches: {
      store: new RedisTaskWatchStore(producer, prefix),
      schedules: new BullWatchSchedules(jobs.queue, config.worker.taskWatchMs),
      everyMs: config.worker.taskWatchMs,
    },
    logger,
    ops: { paths: opsPaths, serve: (req, resp) => serveOps(ops, req, resp) },
    fetch,
    home: {
      viewers: homeStore,
      refresh: homeRefresh,
      notifier: {
        async notify(userId, text) {
          await homeStore.setNotice(userId, text);
          await homeRefresh.user(userId);
        },
      },
    },
  });
  return { app, port: await listen(app, res, ops) };
}

/** Who the bot is in Slack, the channels it cannot post in (logged), and the bot role's readiness checks. */
async function checkAtStartup(res: RoleResources, producer: Redis, fetch: ReturnType<typeof observedSlackFetch>): Promise<Awaited<ReturnType<typeof whoAmI>>> {
  const { config, logger } = res;
  const startupSlack = slackForStartup(config, fetch);
  const identity = await whoAmI(startupSlack, logger);
  const channels = configuredChannels(config);
  // In the background: a channel the bot cannot post in is logged, never a reason not to start.
  void logChannelReachability(startupSlack, channels, logger);
  res.readiness.push(
    configCheck(config),
    redisCheck(producer),
    slackTokenCheck(config.slack, fetch),
    // Listed in /readyz, never a 503: one archived channel must not stop the bot taking commands everywhere else.
    advisory(channelReadinessCheck({ client: slackForChecks(config, fetch), channels })),
  );
  return identity;
}

/** Starts Bolt on the configured port (or Socket Mode, with the ops endpoints on their own server); resolves to the port. */
async function listen(app: App, res: RoleResources, ops: OpsView): Promise<number> {
  const { config, logger, closers, metrics } = res;
  const server = (await app.start(config.port)) as Server | undefined;
  const address = server?.address?.();
  const port = typeof address === 'object' && address && 'port' in address ? address.port : config.port;
  if (server && typeof server.on === 'function') observeAcks(server, metrics);
  if (config.slack.appToken) {
    // Socket Mode has no HTTP receiver; probes and Prometheus still get their endpoints.
    const health = await startHealthServer(config.port, ops);
    closers.push(() => new Promise((r) => health.close(r)));
  }
  logger.info({ port, socketMode: Boolean(config.slack.appToken) }, 'Slack app listening');
  return port;
}

/** Ack latency as Slack sees it, minus the network: a Slack request arrived → its answer was written. */
function observeAcks(server: Server, metrics: RoleResources['metrics']): void {
  server.on('request', (req: IncomingMessage, resp: ServerResponse) => {
    if (req.method !== 'POST') return;
    const end = metrics.ackDuration.startTimer();
    resp.once('finish', () => end());
  });
}

function slackForStartup(config: Config, fetch: FetchFunction): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    fetch,
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 5000 },
  });
}

/** For probes: one attempt, a short timeout, and a 429 reported rather than waited out. */
function slackForChecks(config: Config, fetch: FetchFunction): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    fetch,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 1500,
  });
}

/** For user group look-ups on a command's path: one quick retry, and a 429 reported rather than waited out. */
function slackForGroups(config: Config, fetch: FetchFunction): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    fetch,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
  });
}

/**
 * The bot's own ids, from auth.test. Done here (with retries) rather than inside Bolt's
 * constructor, where a Slack hiccup becomes an unhandled rejection, and an invalid token
 * is reported as the configuration problem it is.
 */
async function whoAmI(client: WebClient, logger: Logger): Promise<{ botId: string; botUserId: string }> {
  try {
    const res = await client.auth.test();
    logger.info({ team: res.team_id, botUserId: res.user_id }, 'Slack token verified');
    return { botId: res.bot_id ?? '', botUserId: res.user_id ?? '' };
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new ConfigError([`SLACK_BOT_TOKEN: Slack says ${code}; copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page`]);
    }
    throw err;
  }
}
