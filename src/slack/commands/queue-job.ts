import type { AuditEventInput } from '../../core/audit.ts';
import type { JobCard } from '../../core/card.ts';
import { QueueUnavailableError, QueueUnconfirmedError, UserFacingError } from '../../core/errors.ts';
import type { JobDataByKind, JobKind } from '../../core/job-queue.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { CommandContext } from './context.ts';

/**
 * The privileged end of every job-starting command: the audit record and the card's record
 * together, then the job (so a fast worker's first card edit lands after "queued").
 *
 * @throws QueueUnavailableError when nothing was queued, QueueUnconfirmedError when the job
 * was sent and may be queued (the user is told how to check).
 */
export async function queueJob<K extends JobKind>(ctx: CommandContext, kind: K, jobId: string, data: JobDataByKind[K], card: JobCard, audit: AuditEventInput): Promise<void> {
  const { command } = ctx;
  try {
    const audited = ctx.audit.record(audit);
    const opened = ctx.outbox.open(jobId, { channelId: command.channel_id, teamId: command.team_id, responseUrl: command.response_url }, card);
    await Promise.all([audited, opened]);
  } catch (err) {
    // The job is not sent yet, so this much is certain: nothing was started.
    throw new QueueUnavailableError(err);
  }
  try {
    await Promise.all([ctx.jobs.submit(kind, jobId, data), ctx.outbox.requestFlush(jobId)]);
  } catch (err) {
    // submit says which it was; any other failure happened with the job on its way.
    throw err instanceof UserFacingError ? err : new QueueUnconfirmedError(jobId, err);
  }
}

/**
 * The privileged end of a read-only query: the audit record, then the job. No card: the answer
 * goes to the requester alone (through the `responseUrl` in `data`), so the channel stays quiet.
 */
export async function queueQuery<K extends JobKind>(ctx: CommandContext, kind: K, jobId: string, data: JobDataByKind[K], audit: AuditEventInput): Promise<void> {
  try {
    await ctx.audit.record(audit);
    await ctx.jobs.submit(kind, jobId, data);
  } catch (err) {
    throw err instanceof QueueUnavailableError ? err : new QueueUnavailableError(err);
  }
}

/** The ack of a read-only query: what is being looked up, and that only the asker will see it. */
export function lookingUp(what: string, environment: string, jobId: string): string {
  return `:mag: Looking up ${escapeMrkdwn(what)} in *${escapeMrkdwn(environment)}*… only you will see the answer (job \`${jobId}\`).`;
}
