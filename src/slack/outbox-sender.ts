import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { OutboxStore } from '../outbox/outbox-store.ts';
import { RetryLaterError } from '../outbox/retry-later.ts';
import { redactDeep, redactText } from '../core/redact.ts';
import { renderCard } from './render/card-blocks.ts';
import { renderThreadMessage, type RenderedReply } from './render/thread-message.ts';

/** Slack errors that no retry will fix for this channel. */
const channelGone = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'access_denied']);

export interface OutboxSenderOptions {
  /** A WebClient built with `rejectRateLimitedCalls: true` so 429s come back to the outbox. */
  client: WebClient;
  store: OutboxStore;
  logger: Logger;
  fetch?: typeof fetch;
}

/**
 * Sends one job's pending Slack writes: the card first (posted once, then edited to its
 * latest version), then thread replies in order. Called by the outbox worker, one flush per
 * job at a time.
 */
export function createOutboxSender(options: OutboxSenderOptions): (jobId: string) => Promise<void> {
  const { client, store, logger } = options;
  const post = options.fetch ?? fetch;

  return async function flush(jobId) {
    // A card updated while we were sending is sent again; the bound only stops a runaway loop.
    for (let round = 0; round < 5; round++) {
      const snap = await store.snapshot(jobId);
      const thread = snap.thread;
      if (!thread || thread.broken || !snap.card) return;
      try {
        if (!thread.ts) {
          const res = await client.chat.postMessage({ channel: thread.channelId, ...redactCard(renderCard(redactDeep(snap.card) as typeof snap.card)), unfurl_links: false });
          await store.setThreadTs(jobId, res.ts!);
          await store.markCardSent(jobId, snap.cardVersion);
          thread.ts = res.ts!;
        } else if (snap.cardVersion > snap.sentVersion) {
          await client.chat.update({ channel: thread.channelId, ts: thread.ts, ...redactCard(renderCard(redactDeep(snap.card) as typeof snap.card)) });
          await store.markCardSent(jobId, snap.cardVersion);
        }
        for (let msg = await store.peekMessage(jobId); msg; msg = await store.peekMessage(jobId)) {
          // Last line of defence: whatever a job reports (build logs especially) is redacted before it leaves.
          const reply = redactReply(renderThreadMessage(redactDeep(msg) as typeof msg));
          if (reply.type === 'message') {
            await client.chat.postMessage({ channel: thread.channelId, thread_ts: thread.ts, text: reply.text, mrkdwn: reply.mrkdwn, unfurl_links: false });
          } else {
            await client.filesUploadV2({
              channel_id: thread.channelId,
              thread_ts: thread.ts,
              filename: reply.filename,
              title: reply.title,
              content: reply.content,
              ...(reply.comment && { initial_comment: reply.comment }),
            });
          }
          await store.dropMessage(jobId);
        }
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
        if (e.code === ErrorCode.RateLimitedError) throw new RetryLaterError(Math.max(1, e.retryAfter ?? 1) * 1000);
        if (e.code === ErrorCode.PlatformError && channelGone.has(e.data?.error ?? '')) {
          await store.markBroken(jobId, e.data!.error!);
          logger.warn({ jobId, channel: thread.channelId, slackError: e.data?.error }, 'cannot post in channel; telling the requester');
          if (thread.responseUrl) await tellRequester(post, thread.responseUrl, thread.channelId, jobId);
          return;
        }
        if (e.code === ErrorCode.PlatformError) {
          // A message Slack rejects (too long, bad blocks) is a bug on our side; drop it so the thread moves on.
          logger.error({ jobId, slackError: e.data?.error }, 'Slack rejected a message; dropping it');
          if (thread.ts) await store.dropMessage(jobId);
          else await store.markBroken(jobId, e.data?.error ?? 'rejected');
          continue;
        }
        throw new Error(redactText((err as Error).message));
      }
      const after = await store.snapshot(jobId);
      if (after.cardVersion <= after.sentVersion && (await store.pendingMessages(jobId)) === 0) return;
    }
    await store.requestFlush(jobId);
  };
}

async function tellRequester(post: typeof fetch, responseUrl: string, channelId: string, jobId: string): Promise<void> {
  try {
    await post(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: `I can't post job ${jobId}'s status card in <#${channelId}>. Invite me with \`/invite @azure-chatops\` (or use a public channel) and run the command again. The job itself is still running: \`/ops job ${jobId}\` shows its state.`,
      }),
    });
  } catch {
    // Best effort: response_url expires after 30 minutes.
  }
}

function redactReply(reply: RenderedReply): RenderedReply {
  return reply.type === 'message'
    ? { ...reply, text: redactText(reply.text) }
    : { ...reply, content: redactText(reply.content), comment: redactText(reply.comment), title: redactText(reply.title) };
}

function redactCard<T extends { text: string; blocks: unknown[] }>(rendered: T): T {
  return { ...rendered, text: redactText(rendered.text), blocks: redactDeep(rendered.blocks) as T['blocks'] };
}
