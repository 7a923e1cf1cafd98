import type { SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CredentialsConfig } from '../../config/credentials-settings.ts';
import type { AccessDecision, AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { RotationClaims } from '../../core/credentials/rotation-claims.ts';
import type { EnvironmentsConfig } from '../../core/environments.ts';
import type { RunClaims } from '../../core/build/acr-builds.ts';
import type { CancelRequests, JobQueue } from '../../core/job-queue.ts';
import type { DeployHistory } from '../../core/deploy/deploy-job.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import type { AnswerStore } from '../../core/query-answer.ts';
import type { TaskWatchControl } from '../../core/task-watch/ports.ts';
import type { AuditFields, RequestContext } from '../listeners/request-context.ts';

/** What every slash-command handler can use. Built once; `command` is per request. */
export interface CommandDeps {
  config: EnvironmentsConfig;
  jobs: JobQueue;
  outbox: OutboxStore;
  /** Where answers given in the ack (`/ops job`) are kept for Share in channel. */
  answers: AnswerStore;
  policy: AccessPolicy;
  audit: AuditLog;
  portal: string;
  /** Cancel flags of jobs (`/acr cancel` of a build's run credits the canceller on its card). */
  cancels: CancelRequests;
  /** Which job started which ACR run, so `/acr cancel RUN_ID` knows whose run it is. */
  runOwners: Pick<RunClaims, 'ownerOf'>;
  /** The `credentials:` section, when client secrets are managed. */
  credentials?: CredentialsConfig;
  /** Which job is rotating which credential: one rotation of each at a time. */
  rotations: RotationClaims;
  /** Deploys per container group (Redis), for what a promotion deploys in the target. */
  history?: Pick<DeployHistory, 'list'>;
  /** Subscriptions to task runs and the registries' watchers (`/acr task subscribe`). */
  taskWatches: TaskWatchControl;
  logger: Logger;
  now: () => Date;
}

export interface CommandContext extends CommandDeps {
  command: SlashCommand;
  /** Who, where, authorise, enqueue, audit: the one entry path shared with the buttons. */
  request: RequestContext;
}

/** The fields every job a command starts carries: its id, who asked, where, when. */
export function jobHeader(
  ctx: CommandContext,
  environment: string,
): { jobId: string; requesterId: string; teamId: string; channelId: string; environment: string; queuedAt: string } {
  const { command } = ctx;
  return {
    jobId: ctx.request.jobId,
    requesterId: command.user_id,
    teamId: command.team_id,
    channelId: command.channel_id,
    environment,
    queuedAt: ctx.now().toISOString(),
  };
}

/**
 * Checks the policy for `action` and records the outcome. Refusals are audited here and
 * thrown as `Refused`; acceptances are audited by the caller together with what it did
 * (job id, target), and that write must succeed before anything privileged happens.
 */
export function authorize(ctx: CommandContext, action: string, environment?: string, extra: Partial<AuditFields> = {}): Promise<void> {
  return ctx.request.authorize(action, environment, extra);
}

/** Audits a refusal of `action` and throws it as `Refused`; returns when `decision` allows. */
export function refuseUnlessAllowed(
  ctx: CommandContext,
  decision: AccessDecision,
  action: string,
  environment?: string,
  extra: Partial<AuditFields> = {},
): Promise<void> {
  const where = { channel: ctx.command.channel_id, team: ctx.command.team_id };
  return ctx.request.refuseUnlessAllowed(decision, {
    action: `command.${action}`,
    ...(environment !== undefined && { environment }),
    details: where,
    ...extra,
  });
}
