import { terminalStatuses, type JobCard, type ThreadMessage } from '../../core/card.ts';
import { redactDeep, redactText } from '../../core/redact.ts';
import type { OutboxMessage } from '../../outbox/outbox-store.ts';
import type { OutboxSnapshot, ThreadRef } from '../../outbox/outbox-thread.ts';
import { renderCard, type CardLevel, type RenderedCard } from '../render/card-blocks.ts';
import { renderFileFallback, renderThreadMessage, type RenderedReply } from '../render/thread-message.ts';
import { cardMetadata, findPostedCard } from './card-lookup.ts';
import { degradedReply, isLiveLog, nextMessage } from './pending-messages.ts';
import { classifySlackFailure } from './slack-error-policy.ts';
import type { ThreadFlushDeps } from './thread-deps.ts';
import { pacedBy, type Slot } from './thread-slot.ts';

// The Slack calls of one flush step, each in its pace: look up a card a lost answer may have
// posted, post the card, edit it to its latest version, send the next replies.

/** Messages looked at per step. */
const peekCount = 200;

export function redactedCard(card: JobCard): JobCard {
  return redactDeep(card) as JobCard;
}

function redactReply(reply: RenderedReply): RenderedReply {
  return reply.type === 'message'
    ? { ...reply, text: redactText(reply.text) }
    : { ...reply, content: redactText(reply.content), comment: redactText(reply.comment), title: redactText(reply.title) };
}

/** What the Slack calls of a flush step use; `slot` waits for or takes their turn in the pace. */
export type SendContext = Pick<ThreadFlushDeps, 'client' | 'store' | 'logger' | 'now'> & { slot: Slot };

export async function lookup(ctx: SendContext, id: string, s: OutboxSnapshot): Promise<void> {
  const t = s.thread!;
  await ctx.slot(id, t, pacedBy('lookup', t), true);
  try {
    const found = await findPostedCard(ctx.client, { channel: t.channelId, ...(t.threadTs && { threadTs: t.threadTs }), since: t.postingSince!, outboxId: id });
    if (found) {
      ctx.logger.info({ outboxId: id, ts: found.ts }, 'found the card a lost answer had posted; not posting it again');
      await ctx.store.update(id, { ts: found.ts, threadTs: t.threadTs ?? found.ts, postingSince: undefined });
      return;
    }
  } catch (err) {
    const failure = classifySlackFailure(err);
    if (!failure || failure.action === 'retry' || (failure.action === 'halt' && failure.code !== 'missing_scope')) throw err;
    // Without the history scopes there is no way to tell: post, and say a duplicate is possible.
    ctx.logger.warn(
      { outboxId: id, slackError: failure.code },
      'cannot look for a card whose post may have gone through (needs channels:history / groups:history / im:history); posting it, which may show it twice',
    );
  }
  await ctx.store.update(id, { postingSince: undefined });
}

export async function postCard(ctx: SendContext, id: string, s: OutboxSnapshot): Promise<void> {
  const t = s.thread!;
  const card = redactedCard(s.card!);
  const rendered = renderCard(card, t.level as CardLevel);
  await ctx.slot(id, t, pacedBy('post-card', t), true);
  await ctx.store.update(id, { postingSince: ctx.now() });
  const res = await ctx.client.chat.postMessage({
    channel: t.channelId,
    text: rendered.text,
    ...(rendered.blocks.length > 0 && { blocks: rendered.blocks }),
    ...(t.threadTs && { thread_ts: t.threadTs }),
    metadata: cardMetadata(card.jobId, id),
    unfurl_links: false,
    unfurl_media: false,
  });
  // A card posted to a person lands in a DM whose id is not theirs: edits need the DM's id.
  await ctx.store.update(id, { ts: res.ts!, threadTs: t.threadTs ?? res.ts!, channelId: res.channel ?? t.channelId, postingSince: undefined });
  await ctx.store.markCardSent(id, s.cardVersion);
  await ctx.store.cardSettled(id, t.channelId, res.channel ?? t.channelId);
  await ctx.store.prependMessages(id, extrasOf(rendered));
}

/** What goes into the thread right after a card: its continuation pages, or its details file. */
function extrasOf(rendered: RenderedCard): OutboxMessage[] {
  return [
    ...rendered.pages.map((p) => ({ kind: 'page' as const, text: p.text, blocks: p.blocks })),
    ...(rendered.file ? [{ kind: 'file' as const, ...rendered.file }] : []),
  ];
}

/** Edits the card to its latest version; resolves to how far behind card edits are when an intermediate state has to wait. */
export async function updateCard(ctx: SendContext, id: string, s: OutboxSnapshot): Promise<number> {
  const t = s.thread!;
  const final = terminalStatuses.has(s.card!.status);
  const behind = await ctx.slot(id, t, pacedBy('update-card', t), final);
  if (behind > 0) return behind;
  const rendered = renderCard(redactedCard(s.card!), t.level as CardLevel);
  await ctx.client.chat.update({ channel: t.channelId, ts: t.ts!, text: rendered.text, blocks: rendered.blocks });
  await ctx.store.markCardSent(id, s.cardVersion);
  return 0;
}

async function sendReply(ctx: SendContext, t: ThreadRef, reply: RenderedReply): Promise<void> {
  if (reply.type === 'message') {
    await ctx.client.chat.postMessage({
      channel: t.channelId,
      thread_ts: t.threadTs!,
      text: reply.text,
      mrkdwn: reply.mrkdwn,
      unfurl_links: false,
      unfurl_media: false,
    });
    return;
  }
  await ctx.client.filesUploadV2({
    channel_id: t.channelId,
    thread_ts: t.threadTs!,
    filename: reply.filename,
    title: reply.title,
    content: reply.content,
    ...(reply.comment && { initial_comment: reply.comment }),
  });
}

/** Sends the next pending message; resolves to how far behind the channel is when a log batch has to wait. */
export async function sendMessages(ctx: SendContext, id: string, s: OutboxSnapshot): Promise<number> {
  const t = s.thread!;
  const head = await ctx.store.peekMessages(id, peekCount);
  if (head.length === 0) return 0;
  // Logs wait for a quiet moment; anything else in the queue (an error, a milestone, a final state) makes the whole queue urgent.
  const urgent = terminalStatuses.has(s.card!.status) || head.some((m) => !isLiveLog(m));
  const behind = await ctx.slot(id, t, pacedBy('messages', t), urgent);
  if (behind > 0) return behind;
  // A message Slack refused goes alone, drawn more simply.
  const { message, count } = t.headLevel > 0 ? { message: head[0]!, count: 1 } : nextMessage(head);
  const jobId = s.card!.jobId;
  if (t.headLevel > 0) await sendReply(ctx, t, redactReply(degradedReply(message, t.headLevel, jobId)));
  else if (message.kind === 'page') {
    await ctx.client.chat.postMessage({
      channel: t.channelId,
      thread_ts: t.threadTs!,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
      unfurl_media: false,
    });
  } else if (message.kind === 'file') await sendFile(ctx, t, message, jobId);
  else await sendReply(ctx, t, redactReply(renderThreadMessage(redactDeep(message) as ThreadMessage)));
  await ctx.store.dropMessages(id, count);
  if (t.headLevel > 0) await ctx.store.update(id, { headLevel: undefined });
  return 0;
}

/** Attachments never block the thread: a refused upload becomes the end of the file and where the rest is. */
async function sendFile(ctx: SendContext, t: ThreadRef, message: Extract<ThreadMessage, { kind: 'file' }>, jobId: string): Promise<void> {
  try {
    await sendReply(ctx, t, redactReply(renderThreadMessage(redactDeep(message) as ThreadMessage)));
  } catch (err) {
    const failure = classifySlackFailure(err);
    if (!failure || failure.action === 'retry' || failure.action === 'halt') throw err;
    ctx.logger.warn({ channel: t.channelId, slackError: failure.code, file: message.filename }, 'Slack refused an attachment; posting its last lines instead');
    await sendReply(ctx, t, redactReply(renderFileFallback(redactDeep(message) as typeof message, `\`/ops job ${jobId}\``)));
  }
}
