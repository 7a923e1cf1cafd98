import type { App, BlockButtonAction } from '@slack/bolt';
import { mayCancel } from '../../core/access/cancel-rule.ts';
import type { BuildJobData } from '../../core/build/build-job.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { CancelRequests } from '../../core/job-queue.ts';
import { ActionId } from '../action-ids.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { clickRequester, requestContext, type RequestDeps } from './request-context.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface ActionDeps extends RequestDeps {
  cancels: CancelRequests;
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
      const request = requestContext(deps, clickRequester(body), 'click');
      const { who } = request;
      const jobId = action.value ?? '';
      const log = deps.logger.child({ action: ActionId.CancelJob, user: who.userId, jobId });
      const reply = async (message: { text: string }) => respond({ ...message, response_type: 'ephemeral', replace_original: false });
      const job = jobIdPattern.test(jobId) ? await deps.jobs.get(jobId) : undefined;
      if (job?.kind !== 'build') {
        await reply(errorReply('That job no longer exists.'));
        return;
      }
      const data = job.data as BuildJobData;
      const clicker = { userId: who.userId, teamId: who.teamId, apiAppId: who.apiAppId, ...(who.channelId && { channelId: who.channelId }) };
      const decision = await mayCancel(deps.policy, clicker, {
        environment: data.environment,
        requesterId: data.requesterId,
        announced: data.trigger !== undefined,
      });
      const audit = { action: 'button.job.cancel', environment: data.environment, jobId, target: data.target.registry };
      if (!decision.allowed) log.info({ reason: decision.reason }, 'cancel refused');
      await request.refuseUnlessAllowed(decision, audit);
      if (data.progress.phase === 'done' || job.state === 'completed' || job.state === 'failed') {
        await reply(ephemeral(`Job \`${jobId}\` has already finished.`));
        return;
      }
      const cancel = { buildJobId: jobId, requestedBy: who.userId };
      await request.enqueue('cancel-build', `cancel-${jobId}`, cancel, { audit, prepare: () => deps.cancels.request(jobId, who.userId) });
      log.info('cancel requested');
      await reply(ephemeral(`:no_entry_sign: Cancelling job \`${jobId}\`…`));
    }),
  );

  // Link buttons (portal links) also send a payload; Slack wants it acknowledged.
  app.action(new RegExp(`^${ActionId.Link.replace('.', '\\.')}-\\d+$`), async ({ ack }) => {
    await ack();
  });
}
