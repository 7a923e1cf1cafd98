import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { RedisAuditLog } from '../audit/redis-audit-log.ts';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/load-config.ts';
import { createAccessPolicy } from '../core/access/access-policy.ts';
import { OutboxStore } from '../outbox/outbox-store.ts';
import { BullJobQueue } from '../queue/bullmq-job-queue.ts';
import { RedisApprovals } from '../queue/approvals.ts';
import { RedisCancelRequests } from '../queue/cancel-requests.ts';
import { RedisDeployHistory } from '../queue/deploy-history.ts';
import { RedisUserRateLimit } from '../queue/user-rate-limit.ts';
import { refreshingApprovals } from '../core/home/refreshing.ts';
import { OutboxHomeRefresh } from '../outbox/home-refresh-queue.ts';
import { RedisHomeStore } from '../queue/home-store.ts';
import { createSlackApp } from '../slack/app.ts';
import { SlackGroupMembers } from '../slack/usergroup-members.ts';
import { startHealthServer } from './health-server.ts';
import { ping, ready, type RoleResources } from './resources.ts';

/** The bot role: Bolt on `POST /slack/events` (or Socket Mode), acking within Slack's 3 s. */
export async function startBot(res: RoleResources): Promise<{ app: App; port: number }> {
  const { config, logger, closers } = res;
  const producer = res.redisFor('producer');
  // The producer fails fast instead of queueing commands offline, so it must be connected
  // before BullMQ's queues run their start-up checks on it.
  await ready(producer, logger);
  const jobs = new BullJobQueue(producer);
  const outbox = new OutboxStore(producer);
  closers.unshift(() => jobs.close(), () => outbox.close());
  const identity = await whoAmI(slackForStartup(config), logger);
  const homeStore = new RedisHomeStore(producer);
  const homeRefresh = new OutboxHomeRefresh(outbox.queue);
  const groups = new SlackGroupMembers({
    ttlMs: config.groupCacheMs,
    client: new WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 500 },
    }),
  });
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
    approvals: refreshingApprovals(new RedisApprovals(producer), homeRefresh),
    history: new RedisDeployHistory(producer),
    ...(config.file.credentials && { credentials: config.file.credentials }),
    audit: new RedisAuditLog({ redis: producer, logger }),
    rateLimit: new RedisUserRateLimit(producer, { perMinute: config.access.rateLimit.perMinute }),
    perMinute: config.access.rateLimit.perMinute,
    portal: config.azure.endpoints.portal,
    jobs,
    outbox,
    cancels: new RedisCancelRequests(producer),
    logger,
    healthy: () => ping(producer),
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
  const server = await app.start(config.port);
  const address = (server as { address?: () => unknown })?.address?.();
  const port = typeof address === 'object' && address && 'port' in address ? (address as { port: number }).port : config.port;
  if (config.slack.appToken) {
    // Socket Mode has no HTTP receiver; probes still get /healthz.
    const health = await startHealthServer(config.port, () => ping(producer));
    closers.push(() => new Promise((r) => health.close(r)));
  }
  logger.info({ port, socketMode: Boolean(config.slack.appToken) }, 'Slack app listening');
  return { app, port };
}

function slackForStartup(config: Config): WebClient {
  return new WebClient(config.slack.botToken, {
    ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
    retryConfig: { retries: 5, factor: 2, minTimeout: 500, maxTimeout: 5000 },
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
