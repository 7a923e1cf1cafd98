import type { Logger } from 'pino';
import type { ThreadMessage } from '../../core/card.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import type { OutboxSnapshot } from '../../outbox/outbox-thread.ts';
import { renderCard } from '../render/card-blocks.ts';
import { messageBudget } from '../render/message-budget.ts';
import { responseUrlUsable, type ResponseUrlReplies } from '../response-url-replies.ts';
import { redactedCard } from './thread-send.ts';

/** What a channel's refusal means for people, and what fixes it. */
export function channelRefusal(code: string, channelId: string): string {
  const channel = /^[CGD][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : 'the channel';
  switch (code) {
    case 'not_in_channel':
      return `I can't post in ${channel}: I'm not a member. Invite me with \`/invite @azure-chatops\` there.`;
    case 'channel_not_found':
      return `I can't post in ${channel}: I can't see it (a private channel I'm not in, or one that was deleted). Invite me with \`/invite @azure-chatops\` there.`;
    case 'is_archived':
      return `I can't post in ${channel}: it is archived.`;
    default:
      return `Slack won't let me post in ${channel} (${code}).`;
  }
}

const userId = /^[UW][A-Z0-9]+$/;

/**
 * Who gets a job's card when its channel refuses it: the person who asked, or, for a job
 * nobody asked for (a scheduled alert), the admins.
 */
export function rerouteTargets(requesterId: string | undefined, admins: readonly string[]): { people: string[]; requested: boolean } {
  if (requesterId && userId.test(requesterId)) return { people: [requesterId], requested: true };
  return { people: admins.filter((a) => userId.test(a)), requested: false };
}

/** The first reply in the direct-message thread: why the card is here and not in its channel. */
export function rerouteNote(code: string, channelId: string, requested: boolean): ThreadMessage {
  const why = channelRefusal(code, channelId);
  const text = requested
    ? `${why} This job's card and replies continue here.`
    : `${why} Nobody asked for this job, so it comes to the admins; fix the channel so the next ones reach it.`;
  return { kind: 'note', text: { mrkdwn: text } };
}

export interface RerouteDeps {
  store: OutboxStore;
  responseUrls: ResponseUrlReplies;
  logger: Logger;
  /** Who gets a scheduled job's card when its channel refuses it. */
  admins: readonly string[];
  now: () => number;
}

/**
 * The `reroute` row of the error policy: a channel that will not take the bot's messages sends
 * the job to people directly. The job's own outbox thread then only passes on (relays) what
 * reaches it to their direct-message threads.
 */
export function createRerouter(deps: RerouteDeps) {
  const { store, logger } = deps;

  /** The channel refused the bot: tell the requester now, and carry the thread on in direct messages. */
  async function reroute(id: string, s: OutboxSnapshot, code: string): Promise<void> {
    const t = s.thread!;
    const card = s.card!;
    await store.cardSettled(id, t.channelId);
    if (t.direct) {
      await store.update(id, { gaveUp: code });
      logger.error({ outboxId: id, jobId: card.jobId, slackError: code }, "Slack refused the direct message too; this job's card is not shown anywhere");
      return;
    }
    const { people, requested } = rerouteTargets(t.requesterId, deps.admins);
    if (people.length === 0) {
      await store.update(id, { gaveUp: code, rerouted: code });
      logger.error(
        { jobId: card.jobId, channel: t.channelId, slackError: code },
        'the channel refused the card and there is nobody to send it to (set access.admins)',
      );
      return;
    }
    const targets = people.map((userId) => ({ outboxId: `${id}.dm.${userId}`, userId, note: rerouteNote(code, t.channelId, requested) }));
    await store.forward(id, code, targets, card, t.teamId);
    if (requested && t.responseUrl && responseUrlUsable(t.openedAt, t.responseUrlUses, deps.now())) {
      await store.increment(id, 'responseUrlUses');
      const rendered = renderCard(redactedCard(card));
      const why = `${channelRefusal(code, t.channelId)} This job's card and replies come to you in a direct message.`;
      await deps.responseUrls
        .post(t.responseUrl, {
          text: why,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: why } }, ...rendered.blocks].slice(0, messageBudget.blocks),
        })
        .catch((err: unknown) =>
          logger.warn({ jobId: card.jobId, err: { message: (err as Error).message } }, 'could not tell the requester through response_url'),
        );
    }
    const log = { jobId: card.jobId, channel: t.channelId, slackError: code, sentTo: people };
    if (requested) logger.warn(log, 'the channel refused the card; it goes to the requester directly');
    else
      logger.error(
        log,
        'the channel refused a scheduled card (an expiry alert?); it goes to the admins directly and is posted there again by the next run once the channel works',
      );
  }

  /** Passes what reaches a rerouted job on to its direct-message threads. */
  async function relay(id: string, s: OutboxSnapshot): Promise<void> {
    const t = s.thread!;
    // Copied before they are dropped here: a crash in between repeats a reply rather than losing it.
    const messages = await store.pendingJson(id);
    for (const target of t.forward!) {
      if (s.card && s.cardVersion > t.relayedVersion) await store.relayCard(target, s.card);
      await store.appendMessages(target, messages);
    }
    await store.dropMessages(id, messages.length);
    if (s.cardVersion > t.relayedVersion) await store.update(id, { relayedVersion: s.cardVersion });
    for (const target of t.forward!) await store.requestFlush(target);
  }

  return { reroute, relay };
}
