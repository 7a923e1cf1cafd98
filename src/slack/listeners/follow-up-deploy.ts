import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../../config/file.ts';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import { deployCard } from '../../core/deploy/deploy-card.ts';
import type { DeployHistory, DeployJobData } from '../../core/deploy/deploy-job.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, errorReply } from '../render/replies.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { clickRequester, requestContext } from './request-context.ts';

export interface FollowUpDeployDeps {
  jobs: JobQueue;
  history: DeployHistory;
  policy: AccessPolicy;
  audit: AuditLog;
  outbox: OutboxStore;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  portal: string;
  logger: Logger;
  now?: () => Date;
}

/** What a button makes of the deploy it sits on: the new job's changes, or why there is none. */
export type FollowUp =
  | { ok: true; changes: Partial<DeployJobData>; details: Record<string, string>; reply: (jobId: string) => string }
  | { ok: false; reply: string };

/**
 * A button on a finished deploy's card that queues a new deploy job from it (Rollback, Plan
 * replacement): the same settings, the clicker as requester, the environment's approval rules.
 * Whether the clicker may deploy there is checked now, from stored state; the job id comes from
 * the click's trigger, so a replayed click queues nothing new.
 */
export function registerFollowUpDeploy(
  app: App,
  deps: FollowUpDeployDeps,
  actionId: string,
  auditAction: string,
  plan: (source: DeployJobData, sourceId: string) => Promise<FollowUp>,
): void {
  const now = deps.now ?? (() => new Date());
  app.action<BlockButtonAction>(
    actionId,
    answerEveryClick(deps.logger, actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const request = requestContext(deps, clickRequester(body), 'click');
      const { who } = request;
      const reply = (text: string) => respond({ ...ephemeral(text), replace_original: false });
      const sourceId = action.value ?? '';
      const job = jobIdPattern.test(sourceId) ? await deps.jobs.get(sourceId) : undefined;
      if (job?.kind !== 'deploy') {
        await respond({ ...errorReply('That deploy no longer exists.'), replace_original: false });
        return;
      }
      const source = job.data as DeployJobData;
      const audit = { action: auditAction, environment: source.environment, target: source.target.name };
      await request.authorize('aci.deploy', source.environment, { ...audit, jobId: sourceId, details: {} });
      const env = deps.environments[source.environment];
      if (!env) {
        await reply(`Environment *${escapeMrkdwn(source.environment)}* is no longer in chatops.yaml, so nothing can be deployed there from this card.`);
        return;
      }
      const next = await plan(source, sourceId);
      if (!next.ok) {
        await reply(next.reply);
        return;
      }
      const jobId = request.jobId;
      const { approval: _sourceApproval, replaceOf: _sourceReplaceOf, ...inherited } = source;
      const data: DeployJobData = {
        ...inherited,
        jobId,
        requesterId: who.userId,
        channelId: who.channelId || source.channelId,
        queuedAt: now().toISOString(),
        ...(env.approval && { approval: { required: env.approval.required, expiresAfterMs: env.approval.expiresAfter } }),
        ...next.changes,
        progress: { phase: 'new' },
      };
      await request.enqueue('deploy', jobId, data, {
        audit: { ...audit, details: next.details },
        card: deployCard(data, { status: 'queued', portal: deps.portal }),
      });
      await reply(next.reply(jobId));
    }),
  );
}
