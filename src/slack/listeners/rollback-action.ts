import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../../config/file.ts';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import { deployCard } from '../../core/deploy/deploy-card.ts';
import type { DeployHistory, DeployJobData, DeployRecord } from '../../core/deploy/deploy-job.ts';
import { jobIdFromTrigger, jobIdPattern } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import { ActionId } from '../action-ids.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface RollbackActionDeps {
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

/**
 * The deploy to go back to: the newest known-good deploy of the group older than `data`'s
 * (or, when `data` failed, the newest one), with a different image.
 */
export function previousKnownGood(data: DeployJobData, history: readonly DeployRecord[]): DeployRecord | undefined {
  const digest = data.progress.plan?.digest;
  const index = history.findIndex((r) => r.jobId === data.jobId);
  const older = index === -1 ? history : history.slice(index + 1);
  return older.find((r) => r.digest !== digest);
}

/**
 * Rollback: a new deploy job of the previous known-good digest, with the same settings and
 * the environment's approval rules. The job id comes from the click's trigger, so a replayed
 * click queues nothing new.
 */
export function registerRollbackAction(app: App, deps: RollbackActionDeps): void {
  const now = deps.now ?? (() => new Date());
  app.action<BlockButtonAction>(
    ActionId.Rollback,
    answerEveryClick(deps.logger, ActionId.Rollback, async ({ ack, body, action, respond }) => {
      await ack();
      const userId = body.user.id;
      const reply = (text: string) => respond({ ...ephemeral(text), replace_original: false });
      const sourceId = action.value ?? '';
      const job = jobIdPattern.test(sourceId) ? await deps.jobs.get(sourceId) : undefined;
      if (job?.kind !== 'deploy') {
        await respond({ ...errorReply('That deploy no longer exists.'), replace_original: false });
        return;
      }
      const source = job.data as DeployJobData;
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const decision = await deps.policy.check({
        userId,
        teamId,
        apiAppId: body.api_app_id,
        ...(body.channel?.id && { channelId: body.channel.id }),
        environment: source.environment,
        action: 'aci.deploy',
      });
      const audit = { actor: userId, action: 'button.deploy.rollback', environment: source.environment, target: source.target.name };
      if (!decision.allowed) {
        await deps.audit.record({ ...audit, jobId: sourceId, outcome: 'refused', reason: decision.reason }).catch((err: unknown) => deps.logger.error({ err }, 'could not audit a refusal'));
        await reply(decision.message.mrkdwn);
        return;
      }
      const env = deps.environments[source.environment];
      if (!env) {
        await reply(`Environment *${escapeMrkdwn(source.environment)}* is no longer in chatops.yaml, so nothing can be deployed there from this card.`);
        return;
      }
      const previous = previousKnownGood(source, await deps.history.list(source.target));
      if (!previous) {
        await reply(`I know of no earlier successful deploy of *${escapeMrkdwn(source.target.name)}* with a different image, so there is nothing to roll back to.`);
        return;
      }
      const { loginServer: registry, repository } = previous;
      const jobId = jobIdFromTrigger(teamId, body.trigger_id);
      const data: DeployJobData = {
        ...source,
        jobId,
        requesterId: userId,
        channelId: body.channel?.id ?? source.channelId,
        queuedAt: now().toISOString(),
        request: { ...source.request, image: { registry, repository, digest: previous.digest, text: `${repository}@${previous.digest.slice(0, 19)}…` } },
        rollbackOf: sourceId,
        ...(env.approval ? { approval: { required: env.approval.required, expiresAfterMs: env.approval.expiresAfter } } : {}),
        progress: { phase: 'new' },
      };
      if (!env.approval) delete data.approval;
      await deps.audit.record({ ...audit, jobId, outcome: 'accepted', details: { rollbackOf: sourceId, image: previous.image } });
      await deps.outbox.open(jobId, { channelId: data.channelId, teamId, responseUrl: body.response_url }, deployCard(data, { status: 'queued', portal: deps.portal }));
      await Promise.all([deps.jobs.submit('deploy', jobId, data), deps.outbox.requestFlush(jobId)]);
      await reply(`:rewind: Rolling *${source.target.name}* back to the image of job \`${previous.jobId}\` as job \`${jobId}\`.${env.approval ? ' It needs approval like any deploy.' : ''}`);
    }),
  );
}
