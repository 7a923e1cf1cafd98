import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import { mayCancel } from '../../core/access/cancel-rule.ts';
import type { BuildJobData } from '../../core/build/build-job.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { CancelRequests, JobQueue } from '../../core/job-queue.ts';
import { ActionId } from '../action-ids.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface ActionDeps {
  jobs: JobQueue;
  cancels: CancelRequests;
  policy: AccessPolicy;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Button clicks. The button's value only says which job; who may act is decided here from
 * the stored job and the access policy at the moment of the click, never from the message.
 */
export function registerActions(app: App, deps: ActionDeps): void {
  app.action<BlockButtonAction>(
    ActionId.CancelJob,
    answerEveryClick(deps.logger, ActionId.CancelJob, async ({ ack, body, action, respond }) => {
      await ack();
      const userId = body.user.id;
      const jobId = action.value ?? '';
      const log = deps.logger.child({ action: ActionId.CancelJob, user: userId, jobId });
      const reply = async (message: { text: string }) => respond({ ...message, response_type: 'ephemeral', replace_original: false });
      const job = jobIdPattern.test(jobId) ? await deps.jobs.get(jobId) : undefined;
      if (job?.kind !== 'build') {
        await reply(errorReply('That job no longer exists.'));
        return;
      }
      const data = job.data as BuildJobData;
      const decision = await mayCancel(
        deps.policy,
        { userId, teamId: body.team?.id ?? body.user.team_id ?? '', apiAppId: body.api_app_id, ...(body.channel?.id && { channelId: body.channel.id }) },
        { environment: data.environment, requesterId: data.requesterId, announced: data.trigger !== undefined },
      );
      const audit = { actor: userId, action: 'button.job.cancel', environment: data.environment, jobId, target: data.target.registry };
      if (!decision.allowed) {
        log.info({ reason: decision.reason }, 'cancel refused');
        await deps.audit.record({ ...audit, outcome: 'refused', reason: decision.reason }).catch((err: unknown) => log.error({ err }, 'could not audit a refusal'));
        await reply(ephemeral(decision.message.mrkdwn));
        return;
      }
      if (data.progress.phase === 'done' || job.state === 'completed' || job.state === 'failed') {
        await reply(ephemeral(`Job \`${jobId}\` has already finished.`));
        return;
      }
      await deps.audit.record({ ...audit, outcome: 'accepted' });
      await deps.cancels.request(jobId, userId);
      await deps.jobs.submit('cancel-build', `cancel-${jobId}`, { buildJobId: jobId, requestedBy: userId });
      log.info('cancel requested');
      await reply(ephemeral(`:no_entry_sign: Cancelling job \`${jobId}\`…`));
    }),
  );

  // Link buttons (portal links) also send a payload; Slack wants it acknowledged.
  app.action(new RegExp(`^${ActionId.Link.replace('.', '\\.')}-\\d+$`), async ({ ack }) => {
    await ack();
  });
}
