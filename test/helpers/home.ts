/** Reading the App Home a person sees in the Slack emulator. */
import type { Harness } from './harness.ts';

/** What `userId`'s Home says now, as one string (blocks JSON). */
export function home(harness: Harness, userId: string): string {
  return JSON.stringify(harness.slack.homeView(userId)?.view.blocks ?? []);
}

/** Waits until `userId`'s Home passes `check`, and returns it. */
export async function homeWhere(harness: Harness, userId: string, check: (blocks: string) => boolean, timeoutMs = 20_000): Promise<string> {
  await harness.slack
    .waitFor(() => check(home(harness, userId)), timeoutMs)
    .catch((err: unknown) => {
      throw new Error(`${userId}'s Home never matched; it shows ${home(harness, userId)}`, { cause: err });
    });
  return home(harness, userId);
}
