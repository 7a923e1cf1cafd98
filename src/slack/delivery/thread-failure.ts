import type { OutboxSnapshot } from '../../outbox/outbox-thread.ts';
import { PauseOutboxError, RetryLaterError } from '../../outbox/retry-later.ts';
import { threadExists } from './card-lookup.ts';
import type { createRerouter } from './reroute.ts';
import { classifySlackFailure, type SlackFailure } from './slack-error-policy.ts';
import type { ThreadFlushDeps } from './thread-deps.ts';
import { pacedBy, spread, type Step } from './thread-slot.ts';

/** Failures in a row that are retried at once (a simpler drawing); after that each one waits longer. */
const immediateRetries = 3;
/** Fresh cards posted for one job at most: someone deleting every card means it. */
const maxReposts = 3;

function backoffMs(strikes: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, strikes - 1)) * (0.8 + Math.random() * 0.4);
}

/** Stops here while Slack refuses the token; one worker per interval asks whether it works again. */
export async function passHaltGate(deps: Pick<ThreadFlushDeps, 'client' | 'halt' | 'haltProbeMs' | 'logger' | 'now'>): Promise<void> {
  const halt = await deps.halt.current();
  if (!halt) return;
  if (!(await deps.halt.claimProbe(deps.haltProbeMs))) throw new PauseOutboxError(deps.haltProbeMs);
  try {
    const res = await deps.client.auth.test();
    const scopes = res.response_metadata?.scopes;
    if (halt.needed && scopes && !halt.needed.split(',').every((s) => scopes.includes(s))) throw new Error(`still missing ${halt.needed}`);
  } catch {
    throw new PauseOutboxError(deps.haltProbeMs);
  }
  await deps.halt.resume();
  deps.logger.info({ haltedFor: halt.reason, sinceMs: deps.now() - halt.since }, 'Slack accepts the bot token again: sending resumes');
}

/** What handling a refusal uses; `reroute` continues the thread in a direct message. */
export type FailureContext = ThreadFlushDeps & { reroute: ReturnType<typeof createRerouter>['reroute'] };

/** Counts a failed call; past a few in a row, the thread waits longer and longer before the next. */
async function strike(ctx: FailureContext, id: string, waitAtLeastMs = 0): Promise<void> {
  const strikes = await ctx.store.increment(id, 'strikes');
  if (strikes < immediateRetries && waitAtLeastMs === 0) return;
  const wait = Math.max(waitAtLeastMs, backoffMs(strikes));
  await ctx.store.update(id, { retryAt: ctx.now() + wait });
  throw new RetryLaterError(wait);
}

export async function onFailure(ctx: FailureContext, id: string, s: OutboxSnapshot, step: Step, failure: SlackFailure): Promise<void> {
  const t = s.thread!;
  const paced = pacedBy(step, t);
  const log = { outboxId: id, jobId: s.card?.jobId, step, slackError: failure.code };
  // Only an answer that leaves the outcome open makes the next attempt look the card up first.
  if (step === 'post-card' && !failure.outcomeUnknown) await ctx.store.update(id, { postingSince: undefined });
  switch (failure.action) {
    case 'retry':
      if (failure.retryAfterMs !== undefined) {
        // Slack said how long: everyone in that channel (or on that method) waits as long.
        await ctx.pacer.block(paced.scope, paced.pace, failure.retryAfterMs);
        throw new RetryLaterError(spread(failure.retryAfterMs));
      }
      ctx.logger.warn(log, 'Slack could not take a call; retrying later');
      if (failure.code === 'ratelimited') await ctx.pacer.block(paced.scope, paced.pace, 1000);
      return strike(ctx, id, 1000);
    case 'halt':
      if (await ctx.halt.halt(failure.code, ctx.haltProbeMs, failure.needed)) {
        ctx.logger.error(
          { ...log, needed: failure.needed },
          `Slack refused the bot token (${failure.code}): nothing is sent until it works again; everything stays queued`,
        );
      }
      throw new PauseOutboxError(ctx.haltProbeMs);
    case 'reroute':
      return ctx.reroute(id, s, failure.code);
    case 'repost':
      if (step !== 'update-card') break;
      return repost(ctx, id, s, failure.code);
    case 'degrade':
      break;
  }
  // Degrade: the same content, drawn more simply; past the simplest form, given up.
  if (step === 'messages') {
    const level = await ctx.store.increment(id, 'headLevel');
    if (level > 3) {
      ctx.logger.error(log, 'Slack refused a thread reply in every form; it is dropped');
      await ctx.store.dropMessages(id, 1);
      await ctx.store.update(id, { headLevel: undefined });
    } else ctx.logger.warn({ ...log, level }, 'Slack refused a thread reply; sending it more simply');
  } else if (t.level >= 3) {
    ctx.logger.error(log, 'Slack refused the card in every form');
    if (step === 'post-card') {
      await ctx.store.update(id, { gaveUp: failure.code });
      await ctx.store.cardSettled(id, t.channelId);
    } else await ctx.store.markCardSent(id, s.cardVersion);
  } else {
    await ctx.store.increment(id, 'level');
    ctx.logger.warn({ ...log, level: t.level + 1 }, 'Slack refused the card; sending it more simply');
    if (step === 'post-card') await ctx.store.update(id, { postingSince: undefined });
  }
  return strike(ctx, id);
}

/** The card is gone or cannot be edited: a fresh one, in the old thread while it exists. */
async function repost(ctx: FailureContext, id: string, s: OutboxSnapshot, code: string): Promise<void> {
  const t = s.thread!;
  const reposts = await ctx.store.increment(id, 'reposts');
  if (reposts > maxReposts) {
    ctx.logger.warn({ jobId: s.card?.jobId, slackError: code, reposts }, 'the card keeps disappearing; no longer updating it');
    await ctx.store.markCardSent(id, s.cardVersion);
    return strike(ctx, id);
  }
  let alive = false;
  try {
    alive = await threadExists(ctx.client, t.channelId, t.threadTs!);
  } catch (err) {
    const failure = classifySlackFailure(err);
    if (failure?.action === 'retry' || (failure?.action === 'halt' && failure.code !== 'missing_scope')) throw err;
  }
  ctx.logger.info({ jobId: s.card?.jobId, slackError: code, inThread: alive }, 'the card was deleted or cannot be edited: posting a fresh one');
  await ctx.store.update(id, { ts: undefined, threadTs: alive ? t.threadTs : undefined, postingSince: undefined });
  return strike(ctx, id);
}
