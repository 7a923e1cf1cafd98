import type { AuditEventInput } from '../../core/audit.ts';
import type { JobCard } from '../../core/card.ts';
import type { JobDataByKind, JobKind } from '../../core/job-queue.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { CommandContext } from './context.ts';

/**
 * The privileged end of every job-starting command: the audit record and the card's record
 * together, then the job (see `RequestContext.enqueue`).
 */
export function queueJob<K extends JobKind>(
  ctx: CommandContext,
  kind: K,
  jobId: string,
  data: JobDataByKind[K],
  card: JobCard,
  audit: AuditEventInput,
): Promise<void> {
  const { actor: _actor, outcome: _outcome, ...fields } = audit;
  return ctx.request.enqueue(kind, jobId, data, { audit: fields, card });
}

/**
 * The privileged end of a read-only query: the audit record, then the job. No card: the answer
 * goes to the requester alone (through the `responseUrl` in `data`), so the channel stays quiet.
 */
export function queueQuery<K extends JobKind>(ctx: CommandContext, kind: K, jobId: string, data: JobDataByKind[K], audit: AuditEventInput): Promise<void> {
  const { actor: _actor, outcome: _outcome, ...fields } = audit;
  return ctx.request.enqueue(kind, jobId, data, { audit: fields });
}

/** The ack of a read-only query: what is being looked up, and that only the asker will see it. */
export function lookingUp(what: string, environment: string, jobId: string): string {
  return `:mag: Looking up ${escapeMrkdwn(what)} in *${escapeMrkdwn(environment)}*… only you will see the answer (job \`${jobId}\`).`;
}
