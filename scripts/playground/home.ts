/** `home` in the playground: open the App Home as a user and print what the bot published for them. */
import type { Harness } from '../../test/helpers/harness.ts';
import { renderMessageText } from './render-text.ts';

/** Long enough for the debounced publish (a few seconds per user at most) to arrive. */
const publishWaitMs = 15_000;

/**
 * Sends the signed `app_home_opened` Slack sends when `userId` opens the Home tab, then reads
 * back what `views.publish` received for them from the Slack emulator's records: the publish
 * that follows, or, if none comes in time, the Home they see now.
 */
export async function showHome(harness: Harness, userId: string, users: Record<string, string>): Promise<string> {
  const before = harness.slack.homeView(userId)?.hash;
  const res = await harness.openHome(userId);
  if (res.status !== 200) return `The bot refused app_home_opened (HTTP ${res.status}); see the product log.`;
  const fresh = await harness.slack
    .waitFor(() => {
      const hash = harness.slack.homeView(userId)?.hash;
      return hash !== undefined && hash !== before;
    }, publishWaitMs)
    .then(
      () => true,
      () => false,
    );
  const home = harness.slack.homeView(userId);
  if (!home) return `Nothing was published for @${users[userId] ?? userId} (no views.publish call for them yet); see the product log.`;
  const note = fresh ? '' : '\n  (no new publish arrived; this is the Home as last published)';
  return `${renderMessageText({ blocks: home.view.blocks }, users)}${note}`;
}
