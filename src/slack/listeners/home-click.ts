import type { BlockAction } from '@slack/bolt';
import type { Mrkdwn } from '../../core/mrkdwn.ts';

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
