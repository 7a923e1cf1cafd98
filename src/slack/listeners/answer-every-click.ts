import type { BlockAction, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { isUserVisibleError } from '../../core/errors.ts';
import { failureReply } from '../render/replies.ts';
import { clickReply, type HomeNotifier } from './home-click.ts';

/**
 * Wraps a button listener (already acknowledged by it) so that a click whose handling fails
 * still gets an answer: a click that changes nothing on screen and says nothing reads as
 * "broken" to the person who made it. A failure of ours is logged with the action id. Buttons that
 * the App Home shows too pass `home`: a click there has no response_url, and is answered on
 * that person's Home.
 */
export function answerEveryClick<A extends { respond?: RespondFn; body: BlockAction }>(
  logger: Logger,
  actionId: string,
  listener: (args: A) => Promise<void>,
  home?: HomeNotifier,
): (args: A) => Promise<void> {
  return async (args) => {
    try {
      await listener(args);
    } catch (err) {
      // A refusal or a queue outage is an answer, not a fault of ours.
      if (!isUserVisibleError(err)) logger.error({ err, action: actionId, user: args.body.user.id }, 'click failed');
      await clickReply(
        args.body,
        args.respond,
        home,
      )(failureReply(err, 'so that click may not have taken effect')).catch((sendErr: unknown) =>
        logger.error({ err: sendErr, action: actionId }, 'could not tell the clicker that their click failed'),
      );
    }
  };
}
