import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { BuildJobData } from '../../core/build/build-job.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { CancelRequests, JobQueue } from '../../core/job-queue.ts';
import { ActionId } from '../action-ids.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface ActionDeps {
  jobs: JobQueue;
  cancels: CancelRequests;
  /** Slack user ids allowed to act on anyone's job. */
  admins: readonly string[];
  logger: Logger;
}

/**
 * Button clicks. The button's value only says which job; who may act is decided here from
 * the stored job, at the moment of the click.
 */
export function registerActions(app: App, deps: ActionDeps): void {
  app.action<BlockButtonAction>(ActionId.CancelJob, async ({ ack, body, action, respond }) => {
    await ack();
    const userId = body.user.id;
    const jobId = action.value ?? '';
    const log = deps.logger.child({ action: ActionId.CancelJob, user: userId, jobId });
    const job = jobIdPattern.test(jobId) ? await deps.jobs.get(jobId) : undefined;
    if (!job || job.kind !== 'build') {
      await respond({ ...errorReply('That job no longer exists.'), replace_original: false });
      return;
    }
    const data = job.data as BuildJobData;
    if (userId !== data.requesterId && !deps.admins.includes(userId)) {
      log.info('cancel refused: not the requester');
      await respond({
        ...errorReply(`Only the person who started job ${jobId} (or a bot admin) can cancel it.`, 'Ask them, or a platform admin, to press Cancel.'),
        replace_original: false,
      });
      return;
    }
    if (data.progress.phase === 'done' || job.state === 'completed' || job.state === 'failed') {
      await respond({ ...ephemeral(`Job \`${jobId}\` has already finished.`), replace_original: false });
      return;
    }
    await deps.cancels.request(jobId, userId);
    await deps.jobs.submit('cancel-build', `cancel-${jobId}`, { buildJobId: jobId, requestedBy: userId });
    log.info('cancel requested');
    await respond({ ...ephemeral(`:no_entry_sign: Cancelling job \`${jobId}\`…`), replace_original: false });
  });

  // Link buttons (portal links) also send a payload; Slack wants it acknowledged.
  app.action(new RegExp(`^${ActionId.Link.replace('.', '\\.')}-\\d+$`), async ({ ack }) => {
    await ack();
  });
}
