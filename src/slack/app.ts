import { App } from '@slack/bolt';
import type { FetchFunction } from '@slack/web-api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../core/access/access-policy.ts';
import type { UserRateLimit } from '../core/access/rate-limit.ts';
import type { AuditLog } from '../core/audit.ts';
import type { EnvironmentsConfig } from '../core/environments.ts';
import type { RunClaims } from '../core/build/acr-builds.ts';
import type { CancelRequests, JobQueue } from '../core/job-queue.ts';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { toBoltLogger } from './bolt-logger.ts';
import { registerActions } from './listeners/actions.ts';
import { registerApprovalActions } from './listeners/approval-actions.ts';
import { registerReplaceAction } from './listeners/replace-action.ts';
import { registerRollbackAction } from './listeners/rollback-action.ts';
import { registerRotateAction } from './listeners/rotate-action.ts';
import type { CredentialsConfig } from '../config/credentials-settings.ts';
import type { RotationClaims } from '../core/credentials/rotation-claims.ts';
import type { GroupMembers } from '../core/access/group-members.ts';
import type { Approvals } from '../core/approval/approvals.ts';
import type { DeployHistory } from '../core/deploy/deploy-job.ts';
import { registerShareAction } from './listeners/share-action.ts';
import { registerSlashCommands } from './listeners/slash-commands.ts';
import type { AnswerStore } from '../core/query-answer.ts';
import { registerAppHome } from './listeners/app-home.ts';
import type { HomeNotifier } from './listeners/home-click.ts';
import type { HomeRefresh, HomeViewers } from '../core/home/ports.ts';
import type { TaskWatchControl } from '../core/task-watch/ports.ts';

export interface SlackAppOptions {
  botToken: string;
  signingSecret?: string;
  /** When set, Socket Mode (local use, behind a firewall); otherwise the HTTP receiver. */
  appToken?: string;
  apiUrl?: string;
  /** From auth.test at start-up; given to Bolt so it does not call auth.test itself in the constructor. */
  botId: string;
  botUserId: string;
  environments: EnvironmentsConfig;
  policy: AccessPolicy;
  audit: AuditLog;
  rateLimit: UserRateLimit;
  /** The per-user budget behind `rateLimit`, for the message. */
  perMinute: number;
  portal: string;
  jobs: JobQueue;
  outbox: OutboxStore;
  /** Private answers kept for Share in channel. */
  answers: AnswerStore;
  cancels: CancelRequests;
  /** Which job started which ACR run (for `/acr cancel RUN_ID`). */
  runOwners: Pick<RunClaims, 'ownerOf'>;
  approvals: Approvals;
  history: DeployHistory;
  /** User-group members, for approvers given as groups (the policy uses the same instance). */
  groups: GroupMembers;
  credentials?: CredentialsConfig;
  rotations: RotationClaims;
  /** `/acr task subscribe|unsubscribe`: stored subscriptions and the registries' watchers. */
  taskWatches: TaskWatchControl;
  logger: Logger;
  /** Serves `GET /healthz`, `/readyz` and `/metrics` beside `POST /slack/events` (HTTP mode). */
  ops?: { paths: readonly string[]; serve(req: IncomingMessage, res: ServerResponse): boolean };
  /** The `fetch` Bolt's WebClients use (the composition root's, which counts Slack calls). */
  fetch?: FetchFunction;
  /** The App Home: who opened it, how to ask for a refresh, how to answer a click made on it. */
  home?: { viewers: Pick<HomeViewers, 'opened'>; refresh: HomeRefresh; notifier: HomeNotifier };
}

/** Bolt itself: HTTP (signatures checked by Bolt, the operations endpoints beside it) or Socket Mode. */
function boltApp(options: SlackAppOptions): App {
  return new App({
    token: options.botToken,
    botId: options.botId,
    botUserId: options.botUserId,
    logger: toBoltLogger(options.logger),
    ...(options.appToken
      ? { socketMode: true, appToken: options.appToken }
      : {
          signingSecret: options.signingSecret!,
          customRoutes: options.ops
            ? options.ops.paths.map((path) => ({
                path,
                method: ['GET'],
                handler: (req: IncomingMessage, res: ServerResponse) => {
                  if (!options.ops!.serve(req, res)) res.writeHead(404).end();
                },
              }))
            : [],
        }),
    clientOptions: { ...(options.apiUrl && { slackApiUrl: options.apiUrl }), ...(options.fetch && { fetch: options.fetch }) },
  });
}

/**
 * The Slack-facing app: Bolt's HTTP receiver on `POST /slack/events` (commands and
 * interactivity, signatures checked by Bolt) plus the operations endpoints.
 */
export function createSlackApp(options: SlackAppOptions): App {
  const app = boltApp(options);
  registerSlashCommands(app, {
    config: options.environments,
    jobs: options.jobs,
    outbox: options.outbox,
    answers: options.answers,
    policy: options.policy,
    audit: options.audit,
    rateLimit: options.rateLimit,
    perMinute: options.perMinute,
    portal: options.portal,
    cancels: options.cancels,
    runOwners: options.runOwners,
    ...(options.credentials && { credentials: options.credentials }),
    rotations: options.rotations,
    history: options.history,
    taskWatches: options.taskWatches,
    logger: options.logger,
  });
  registerActions(app, {
    jobs: options.jobs,
    outbox: options.outbox,
    cancels: options.cancels,
    policy: options.policy,
    audit: options.audit,
    logger: options.logger,
  });
  const environments = options.environments.environments;
  registerApprovalActions(app, {
    jobs: options.jobs,
    approvals: options.approvals,
    policy: options.policy,
    groups: options.groups,
    audit: options.audit,
    environments,
    logger: options.logger,
    ...(options.home && { home: options.home.notifier }),
  });
  if (options.home) registerAppHome(app, { policy: options.policy, viewers: options.home.viewers, refresh: options.home.refresh, logger: options.logger });
  const followUps = {
    jobs: options.jobs,
    history: options.history,
    policy: options.policy,
    audit: options.audit,
    outbox: options.outbox,
    environments,
    portal: options.portal,
    logger: options.logger,
  };
  registerRollbackAction(app, followUps);
  registerReplaceAction(app, followUps);
  registerRotateAction(app, {
    jobs: options.jobs,
    rotations: options.rotations,
    environments,
    policy: options.policy,
    audit: options.audit,
    outbox: options.outbox,
    logger: options.logger,
  });
  registerShareAction(app, { answers: options.answers, policy: options.policy, audit: options.audit, logger: options.logger });
  app.error(async (err) => {
    options.logger.error({ err: { name: err.name, message: err.message, code: (err as { code?: string }).code } }, 'unhandled Slack listener error');
  });
  return app;
}
