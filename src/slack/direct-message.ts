import type { WebClient } from '@slack/web-api';

/**
 * The bot's direct-message channel with `userId` (`D…`), opened if need be:
 * `conversations.open`, which needs the `im:write` scope. Files go there when an answer is
 * too long for a message, since a private (ephemeral) message cannot carry a file.
 */
export async function openDirectMessage(client: WebClient, userId: string): Promise<string> {
  const res = await client.conversations.open({ users: userId });
  const id = res.channel?.id;
  if (!id) throw new Error(`conversations.open gave no channel for ${userId}`);
  return id;
}

/** The Slack error code of a Web API failure (`not_in_channel`, `missing_scope`…), or its message. */
export function slackErrorOf(err: unknown): string {
  return (err as { data?: { error?: string } }).data?.error ?? (err instanceof Error ? err.message : String(err));
}
