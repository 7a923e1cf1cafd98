import type { BlockAction, RespondFn } from '@slack/bolt';
import type { Mrkdwn } from '../../core/mrkdwn.ts';
import type { EphemeralReply } from '../render/replies.ts';

/** Shows the answer to a Home click on that person's Home (refreshed soon after). */
export interface HomeNotifier {
  notify(userId: string, text: Mrkdwn): Promise<void>;
}

/**
 * Whether a click came from the App Home: its payload has the view as container and, unlike a
 * click on a message, no channel, message or response_url
 * (docs.slack.dev/reference/interaction-payloads/block_actions-payload).
 */
export function isHomeClick(body: BlockAction): boolean {
  return (body.container as { type?: string } | undefined)?.type === 'view' && body.view?.type === 'home';
}

/**
 * How to answer the person who clicked: a click on the App Home has no response_url (Bolt gives
 * it no `respond`), so its answer shows at the top of that person's Home; a click on a message
 * is answered privately under it, on the click's response_url.
 */
export function clickReply(body: BlockAction, respond: RespondFn | undefined, home: HomeNotifier | undefined): (reply: EphemeralReply) => Promise<void> {
  if (isHomeClick(body)) {
    return async (reply) => {
      if (!home) throw new Error('a click on the App Home, but this app has no App Home to answer on');
      // Replies are mrkdwn already: their user- and Azure-supplied parts were escaped when they were made.
      await home.notify(body.user.id, { mrkdwn: reply.text });
    };
  }
  return async (reply) => {
    if (!respond) throw new Error('a click on a message without a response_url');
    await respond({ ...reply, replace_original: false });
  };
}
