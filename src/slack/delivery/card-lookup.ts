import type { WebClient } from '@slack/web-api';

/**
 * Slack has no idempotency key for chat.postMessage. Every card carries message metadata naming
 * its job, so after a post whose answer was lost (a timeout, a crash before its ts was saved) the
 * card can be found instead of posted twice (docs.slack.dev/messaging/message-metadata).
 */
export const cardEventType = 'chatops_job_card';

export function cardMetadata(jobId: string, outboxId: string) {
  return { event_type: cardEventType, event_payload: { job_id: jobId, outbox_id: outboxId } };
}

/** Pages of 200 messages read at most: the card, if it exists, was posted in the last moments. */
const maxPages = 3;

interface Found {
  ts: string;
}

/**
 * Looks for the card a post since `since` (epoch ms) made: in the channel's history, or in the
 * thread `threadTs` when the card was posted into a thread. Needs `channels:history`,
 * `groups:history` or `im:history`; throws what Slack answers (the caller decides).
 */
export async function findPostedCard(
  client: WebClient,
  where: { channel: string; threadTs?: string; since: number; outboxId: string },
): Promise<Found | undefined> {
  // A little before the post started, for clock differences between here and Slack.
  const oldest = ((where.since - 60_000) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const args = { channel: where.channel, oldest, limit: 200, include_all_metadata: true, ...(cursor && { cursor }) };
    const res = where.threadTs ? await client.conversations.replies({ ...args, ts: where.threadTs }) : await client.conversations.history(args);
    for (const m of res.messages ?? []) {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: { outbox_id?: string } } }).metadata;
      if (metadata?.event_type === cardEventType && metadata.event_payload?.outbox_id === where.outboxId && m.ts) return { ts: m.ts };
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** Whether the thread `ts` still exists (a deleted parent with replies leaves one behind). */
export async function threadExists(client: WebClient, channel: string, ts: string): Promise<boolean> {
  const res = await client.conversations.replies({ channel, ts, limit: 1 });
  return res.ok === true;
}
