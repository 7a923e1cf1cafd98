import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { terminalStatuses, type JobCard, type ThreadMessage } from '../../core/card.ts';
import { redactDeep, redactText } from '../../core/redact.ts';
import type { OutboxMessage, OutboxSnapshot, OutboxStore, ThreadRef } from '../../outbox/outbox-store.ts';
import type { Pace, Pacer } from '../../outbox/pacer.ts';
import { PauseOutboxError, RetryLaterError } from '../../outbox/retry-later.ts';
import { renderCard, type CardLevel, type RenderedCard } from '../render/card-blocks.ts';
import { renderFileFallback, renderThreadMessage, type RenderedReply } from '../render/thread-message.ts';
import type { ResponseUrlReplies } from '../response-url-replies.ts';
import { cardMetadata, findPostedCard, threadExists } from './card-lookup.ts';
import { degradedReply, isLiveLog, nextMessage } from './pending-messages.ts';
import type { SlackHaltState } from './delivery-health.ts';
import { createRerouter } from './reroute.ts';
import { classifySlackFailure, type SlackFailure } from './slack-error-policy.ts';
import { lowPriorityShare, paceScope, slackPace } from './slack-pace.ts';

export interface ThreadFlushDeps {
  client: WebClient;
  store: OutboxStore;
  pacer: Pacer;
  halt: SlackHaltState;
  responseUrls: ResponseUrlReplies;
  logger: Logger;
  /** Who gets a scheduled job's card when its channel refuses it. */
  admins: readonly string[];
  /** How often a halted outbox asks Slack whether the token works again. */
  haltProbeMs: number;
  now: () => number;
}

/** Slack calls one flush makes before it lets other threads go first. */
const maxCallsPerFlush = 20;
/** Failures in a row that are retried at once (a simpler drawing); after that each one waits longer. */
const immediateRetries = 3;
/** Fresh cards posted for one job at most: someone deleting every card means it. */
const maxReposts = 3;
/** Messages looked at per step. */
const peekCount = 200;

type Step = 'lookup' | 'post-card' | 'update-card' | 'messages';

/** A Slack call's place in a shared pace. */
interface Paced {
  scope: string;
  pace: Pace;
}

function backoffMs(strikes: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, strikes - 1)) * (0.8 + Math.random() * 0.4);
}

/** A wait with some spread (up to half again, at most 2 s), so threads told the same thing do not wake together. */
function spread(ms: number): number {
  return Math.ceil(ms + Math.random() * Math.min(ms / 2, 2000));
}

function redactedCard(card: JobCard): JobCard {
  return redactDeep(card) as JobCard;
}

function redactReply(reply: RenderedReply): RenderedReply {
  return reply.type === 'message' ? { ...reply, text: redactText(reply.text) } : { ...reply, content: redactText(reply.content), comment: redactText(reply.comment), title: redactText(reply.title) };
}

/**
 * Sends what is pending for one outbox thread, in order: the card (posted once, found again
 * rather than posted twice when an answer was lost), its latest version, then the replies.
 * Posts are paced per channel and card edits per workspace through the shared {@link Pacer};
 * new cards and final states reserve their slot, log batches and intermediate states only take
 * a free one. Every Slack refusal goes through the policy table (slack-error-policy.ts).
 */
export function createThreadFlush(deps: ThreadFlushDeps): (outboxId: string) => Promise<void> {
  const { client, store, pacer, logger } = deps;
  const { reroute, relay } = createRerouter(deps);

  /** Stops here while Slack refuses the token; one worker per interval asks whether it works again. */
  async function haltGate(): Promise<void> {
    const halt = await deps.halt.current();
    if (!halt) return;
    if (!(await deps.halt.claimProbe(deps.haltProbeMs))) throw new PauseOutboxError(deps.haltProbeMs);
    try {
      const res = await client.auth.test();
      const scopes = res.response_metadata?.scopes;
      if (halt.needed && scopes && !halt.needed.split(',').every((s) => scopes.includes(s))) throw new Error(`still missing ${halt.needed}`);
    } catch {
      throw new PauseOutboxError(deps.haltProbeMs);
    }
    await deps.halt.resume();
    logger.info({ haltedFor: halt.reason, sinceMs: deps.now() - halt.since }, 'Slack accepts the bot token again: sending resumes');
  }

  /**
   * A slot in the pace of `scope`: a reserved one (new cards, final states) is waited for
   * durably, and kept across the wait so waking up never reserves again; a free-only one (logs,
   * intermediate states) is taken or not. Resolves to 0 when the call may go now, else to how far
   * behind the scope is.
   */
  async function slot(id: string, t: ThreadRef, { scope, pace }: Paced, urgent: boolean): Promise<number> {
    if (t.slotAt !== undefined && t.slotScope === scope) {
      const wait = t.slotAt - deps.now();
      if (wait > 50) throw new RetryLaterError(wait);
      await store.update(id, { slotAt: undefined, slotScope: undefined });
      return 0;
    }
    if (urgent) {
      const wait = await pacer.reserve(scope, pace);
      if (wait > 50) {
        await store.update(id, { slotAt: deps.now() + wait, slotScope: scope });
        throw new RetryLaterError(wait);
      }
      return 0;
    }
    // New cards waiting for this channel go before any log batch, even before they reserved a slot.
    if (scope === paceScope.post(t.channelId)) {
      const cards = await store.cardsWaiting(t.channelId);
      if (cards > 0) return cards * pace.intervalMs;
    }
    return pacer.tryNow(scope, pace, lowPriorityShare);
  }

  /** The pace a step's Slack call counts against. */
  function pacedBy(step: Step, t: ThreadRef): Paced {
    if (step === 'update-card') return { scope: paceScope.method('chat.update'), pace: slackPace.update };
    if (step === 'lookup') return { scope: paceScope.method('conversations.history'), pace: slackPace.history };
    return { scope: paceScope.post(t.channelId), pace: slackPace.postPerChannel };
  }

  async function lookup(id: string, s: OutboxSnapshot): Promise<void> {
    const t = s.thread!;
    await slot(id, t, pacedBy('lookup', t), true);
    try {
      const found = await findPostedCard(client, { channel: t.channelId, ...(t.threadTs && { threadTs: t.threadTs }), since: t.postingSince!, outboxId: id });
      if (found) {
        logger.info({ outboxId: id, ts: found.ts }, 'found the card a lost answer had posted; not posting it again');
        await store.update(id, { ts: found.ts, threadTs: t.threadTs ?? found.ts, postingSince: undefined });
        return;
      }
    } catch (err) {
      const failure = classifySlackFailure(err);
      if (!failure || failure.action === 'retry' || (failure.action === 'halt' && failure.code !== 'missing_scope')) throw err;
      // Without the history scopes there is no way to tell: post, and say a duplicate is possible.
      logger.warn({ outboxId: id, slackError: failure.code }, 'cannot look for a card whose post may have gone through (needs channels:history / groups:history / im:history); posting it, which may show it twice');
    }
    await store.update(id, { postingSince: undefined });
  }

  async function postCard(id: string, s: OutboxSnapshot): Promise<void> {
    const t = s.thread!;
    const card = redactedCard(s.card!);
    const rendered = renderCard(card, t.level as CardLevel);
    await slot(id, t, pacedBy('post-card', t), true);
    await store.update(id, { postingSince: deps.now() });
    const res = await client.chat.postMessage({
      channel: t.channelId,
      text: rendered.text,
      ...(rendered.blocks.length > 0 && { blocks: rendered.blocks }),
      ...(t.threadTs && { thread_ts: t.threadTs }),
      metadata: cardMetadata(card.jobId, id),
      unfurl_links: false,
      unfurl_media: false,
    });
    // A card posted to a person lands in a DM whose id is not theirs: edits need the DM's id.
    await store.update(id, { ts: res.ts!, threadTs: t.threadTs ?? res.ts!, channelId: res.channel ?? t.channelId, postingSince: undefined });
    await store.markCardSent(id, s.cardVersion);
    await store.cardSettled(id, t.channelId, res.channel ?? t.channelId);
    await store.prependMessages(id, extrasOf(rendered));
  }

  /** What goes into the thread right after a card: its continuation pages, or its details file. */
  function extrasOf(rendered: RenderedCard): OutboxMessage[] {
    return [
      ...rendered.pages.map((p) => ({ kind: 'page' as const, text: p.text, blocks: p.blocks })),
      ...(rendered.file ? [{ kind: 'file' as const, ...rendered.file }] : []),
    ];
  }

  /** Edits the card to its latest version; resolves to how far behind card edits are when an intermediate state has to wait. */
  async function updateCard(id: string, s: OutboxSnapshot): Promise<number> {
    const t = s.thread!;
    const final = terminalStatuses.has(s.card!.status);
    const behind = await slot(id, t, pacedBy('update-card', t), final);
    if (behind > 0) return behind;
    const rendered = renderCard(redactedCard(s.card!), t.level as CardLevel);
    await client.chat.update({ channel: t.channelId, ts: t.ts!, text: rendered.text, blocks: rendered.blocks });
    await store.markCardSent(id, s.cardVersion);
    return 0;
  }

  async function sendReply(t: ThreadRef, reply: RenderedReply): Promise<void> {
    if (reply.type === 'message') {
      await client.chat.postMessage({ channel: t.channelId, thread_ts: t.threadTs!, text: reply.text, mrkdwn: reply.mrkdwn, unfurl_links: false, unfurl_media: false });
      return;
    }
    await client.filesUploadV2({ channel_id: t.channelId, thread_ts: t.threadTs!, filename: reply.filename, title: reply.title, content: reply.content, ...(reply.comment && { initial_comment: reply.comment }) });
  }

  /** Sends the next pending message; resolves to how far behind the channel is when a log batch has to wait. */
  async function sendMessages(id: string, s: OutboxSnapshot): Promise<number> {
    const t = s.thread!;
    const head = await store.peekMessages(id, peekCount);
    if (head.length === 0) return 0;
    // Logs wait for a quiet moment; anything else in the queue (an error, a milestone, a final state) makes the whole queue urgent.
    const urgent = terminalStatuses.has(s.card!.status) || head.some((m) => !isLiveLog(m));
    const behind = await slot(id, t, pacedBy('messages', t), urgent);
    if (behind > 0) return behind;
    // A message Slack refused goes alone, drawn more simply.
    const { message, count } = t.headLevel > 0 ? { message: head[0]!, count: 1 } : nextMessage(head);
    const jobId = s.card!.jobId;
    if (t.headLevel > 0) await sendReply(t, redactReply(degradedReply(message, t.headLevel, jobId)));
    else if (message.kind === 'page') {
      await client.chat.postMessage({ channel: t.channelId, thread_ts: t.threadTs!, text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false });
    } else if (message.kind === 'file') await sendFile(t, message, jobId);
    else await sendReply(t, redactReply(renderThreadMessage(redactDeep(message) as ThreadMessage)));
    await store.dropMessages(id, count);
    if (t.headLevel > 0) await store.update(id, { headLevel: undefined });
    return 0;
  }

  /** Attachments never block the thread: a refused upload becomes the end of the file and where the rest is. */
  async function sendFile(t: ThreadRef, message: Extract<ThreadMessage, { kind: 'file' }>, jobId: string): Promise<void> {
    try {
      await sendReply(t, redactReply(renderThreadMessage(redactDeep(message) as ThreadMessage)));
    } catch (err) {
      const failure = classifySlackFailure(err);
      if (!failure || failure.action === 'retry' || failure.action === 'halt') throw err;
      logger.warn({ channel: t.channelId, slackError: failure.code, file: message.filename }, 'Slack refused an attachment; posting its last lines instead');
      await sendReply(t, redactReply(renderFileFallback(redactDeep(message) as typeof message, `\`/ops job ${jobId}\``)));
    }
  }

  /** Counts a failed call; past a few in a row, the thread waits longer and longer before the next. */
  async function strike(id: string, waitAtLeastMs = 0): Promise<void> {
    const strikes = await store.increment(id, 'strikes');
    if (strikes < immediateRetries && waitAtLeastMs === 0) return;
    const wait = Math.max(waitAtLeastMs, backoffMs(strikes));
    await store.update(id, { retryAt: deps.now() + wait });
    throw new RetryLaterError(wait);
  }

  async function onFailure(id: string, s: OutboxSnapshot, step: Step, failure: SlackFailure): Promise<void> {
    const t = s.thread!;
    const paced = pacedBy(step, t);
    const log = { outboxId: id, jobId: s.card?.jobId, step, slackError: failure.code };
    // Only an answer that leaves the outcome open makes the next attempt look the card up first.
    if (step === 'post-card' && !failure.outcomeUnknown) await store.update(id, { postingSince: undefined });
    switch (failure.action) {
      case 'retry':
        if (failure.retryAfterMs !== undefined) {
          // Slack said how long: everyone in that channel (or on that method) waits as long.
          await pacer.block(paced.scope, paced.pace, failure.retryAfterMs);
          throw new RetryLaterError(spread(failure.retryAfterMs));
        }
        logger.warn(log, 'Slack could not take a call; retrying later');
        if (failure.code === 'ratelimited') await pacer.block(paced.scope, paced.pace, 1000);
        return strike(id, 1000);
      case 'halt':
        if (await deps.halt.halt(failure.code, deps.haltProbeMs, failure.needed)) {
          logger.error({ ...log, needed: failure.needed }, `Slack refused the bot token (${failure.code}): nothing is sent until it works again; everything stays queued`);
        }
        throw new PauseOutboxError(deps.haltProbeMs);
      case 'reroute':
        return reroute(id, s, failure.code);
      case 'repost':
        if (step !== 'update-card') break;
        return repost(id, s, failure.code);
      case 'degrade':
        break;
    }
    // Degrade: the same content, drawn more simply; past the simplest form, given up.
    if (step === 'messages') {
      const level = await store.increment(id, 'headLevel');
      if (level > 3) {
        logger.error(log, 'Slack refused a thread reply in every form; it is dropped');
        await store.dropMessages(id, 1);
        await store.update(id, { headLevel: undefined });
      } else logger.warn({ ...log, level }, 'Slack refused a thread reply; sending it more simply');
    } else if (t.level >= 3) {
      logger.error(log, 'Slack refused the card in every form');
      if (step === 'post-card') {
        await store.update(id, { gaveUp: failure.code });
        await store.cardSettled(id, t.channelId);
      }
      else await store.markCardSent(id, s.cardVersion);
    } else {
      await store.increment(id, 'level');
      logger.warn({ ...log, level: t.level + 1 }, 'Slack refused the card; sending it more simply');
      if (step === 'post-card') await store.update(id, { postingSince: undefined });
    }
    return strike(id);
  }

  /** The card is gone or cannot be edited: a fresh one, in the old thread while it exists. */
  async function repost(id: string, s: OutboxSnapshot, code: string): Promise<void> {
    const t = s.thread!;
    const reposts = await store.increment(id, 'reposts');
    if (reposts > maxReposts) {
      logger.warn({ jobId: s.card?.jobId, slackError: code, reposts }, 'the card keeps disappearing; no longer updating it');
      await store.markCardSent(id, s.cardVersion);
      return strike(id);
    }
    let alive = false;
    try {
      alive = await threadExists(client, t.channelId, t.threadTs!);
    } catch (err) {
      const failure = classifySlackFailure(err);
      if (failure?.action === 'retry' || (failure?.action === 'halt' && failure.code !== 'missing_scope')) throw err;
    }
    logger.info({ jobId: s.card?.jobId, slackError: code, inThread: alive }, 'the card was deleted or cannot be edited: posting a fresh one');
    await store.update(id, { ts: undefined, threadTs: alive ? t.threadTs : undefined, postingSince: undefined });
    return strike(id);
  }

  return async function flushThread(id) {
    await haltGate();
    /** Steps that wait for a free slot in this run, with how far behind their scope is. */
    const waiting = new Map<Step, number>();
    for (let calls = 0; ; ) {
      const s = await store.snapshot(id);
      const t = s.thread;
      if (!t || t.gaveUp || !s.card) return;
      if (t.forward) return relay(id, s);
      const now = deps.now();
      if (t.retryAt !== undefined && t.retryAt > now) throw new RetryLaterError(t.retryAt - now);
      if (calls >= maxCallsPerFlush) return store.requestFlush(id);
      let step: Step | undefined;
      if (!t.ts) step = t.postingSince ? 'lookup' : 'post-card';
      else if (s.cardVersion > s.sentVersion && !waiting.has('update-card')) step = 'update-card';
      else if (!waiting.has('messages') && (await store.pendingMessages(id)) > 0) step = 'messages';
      if (!step) {
        if (waiting.size === 0) return;
        throw new RetryLaterError(spread(Math.min(...waiting.values())));
      }
      calls++;
      try {
        let behind = 0;
        if (step === 'lookup') await lookup(id, s);
        else if (step === 'post-card') await postCard(id, s);
        else if (step === 'update-card') behind = await updateCard(id, s);
        else behind = await sendMessages(id, s);
        if (behind > 0) {
          waiting.set(step, behind);
          calls--;
        } else if (t.strikes > 0) await store.update(id, { strikes: 0 });
      } catch (err) {
        if (err instanceof RetryLaterError || err instanceof PauseOutboxError) throw err;
        const failure = classifySlackFailure(err);
        if (!failure) throw err;
        await onFailure(id, s, step, failure);
      }
    }
  };
}
