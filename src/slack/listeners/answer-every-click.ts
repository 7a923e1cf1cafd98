import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { failureReply } from '../render/replies.ts';

/**
 * Wraps a button listener (already acknowledged by it) so that a click whose handling fails
 * still gets an answer: a click that changes nothing on screen and says nothing reads as
 * "broken" to the person who made it. The failure is logged with the action id.
 */
export function answerEveryClick<A extends { respond: RespondFn; body: { user: { id: string } } }>(
  logger: Logger,
  actionId: string,
  listener: (args: A) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args) => {
    try {
      await listener(args);
    } catch (err) {
      logger.error({ err, action: actionId, user: args.body.user.id }, 'click failed');
      await args
        .respond({ ...failureReply(err, 'so that click may not have taken effect'), replace_original: false })
        .catch((sendErr: unknown) => logger.error({ err: sendErr, action: actionId }, 'could not tell the clicker that their click failed'));
    }
  };
}
