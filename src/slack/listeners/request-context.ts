import type { BlockAction, SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import { recordOrLog } from '../../audit/record-or-log.ts';
import type { AccessDecision, AccessPolicy } from '../../core/access/access-policy.ts';
import { AuditWriteError, type AuditEventInput, type AuditLog } from '../../core/audit.ts';
import type { JobCard } from '../../core/card.ts';
import { QueueUnavailableError, QueueUnconfirmedError, Refused, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import type { JobDataByKind, JobKind, JobQueue } from '../../core/job-queue.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';

/** What every request needs from the app: built once, shared by every command and click. */
export interface RequestDeps {
  policy: AccessPolicy;
  audit: AuditLog;
  jobs: JobQueue;
  outbox: OutboxStore;
  logger: Logger;
}

/** Who asked and where, as Slack signed it on the command or the click. */
export interface Requester {
  userId: string;
  teamId: string;
  apiAppId: string;
  /** Empty for a click on the App Home. */
  channelId: string;
  /** Empty for a click on the App Home. */
  responseUrl: string;
  triggerId: string;
}

/** The audit fields of a refusal or an acceptance, beyond who asked. */
export type AuditFields = Omit<AuditEventInput, 'actor' | 'outcome'>;

/** How a job is queued: its accepted record (written before anything happens), its card if it has one. */
export interface EnqueueOptions {
  audit: AuditFields & { details?: AuditEventInput['details'] };
  /** Jobs that change something get a card in the channel; read-only queries answer the asker alone. */
  card?: JobCard;
  /** A step after the audit record and before the job is sent (a cancel flag the job will read). */
  prepare?: () => Promise<void>;
}

/** One request (a slash command or a click): who, where, authorise, enqueue, audit. */
export interface RequestContext {
  readonly who: Requester;
  /** The job id of this request: Slack's trigger id, so a resent request queues nothing new. */
  readonly jobId: string;
  /**
   * Checks the access policy for `action` in `environment`. A refusal is audited (best effort)
   * as `audit.action` (default `command.<action>`) and thrown as {@link Refused}.
   */
  authorize(action: string, environment?: string, audit?: Partial<AuditFields>): Promise<void>;
  /** Audits and throws a refusal when `decision` does not allow; returns when it does. */
  refuseUnlessAllowed(decision: AccessDecision, audit: AuditFields): Promise<void>;
  /**
   * The privileged end of every request that starts a job: the accepted record (fail closed),
   * the card's record, then the job (so a fast worker's first card edit lands after "queued").
   *
   * @throws AuditWriteError or QueueUnavailableError when nothing was queued, QueueUnconfirmedError
   * when the job was sent and may be queued (the user is told how to check).
   */
  enqueue<K extends JobKind>(kind: K, jobId: string, data: JobDataByKind[K], options: EnqueueOptions): Promise<void>;
  /** Records a fact whose loss must not block the answer (a refusal, a query): logged when lost. */
  note(event: Omit<AuditEventInput, 'actor'>): Promise<void>;
}

/** The requester of a slash command. */
export function commandRequester(command: SlashCommand): Requester {
  return {
    userId: command.user_id,
    teamId: command.team_id,
    apiAppId: command.api_app_id,
    channelId: command.channel_id,
    responseUrl: command.response_url,
    triggerId: command.trigger_id,
  };
}

/** The requester of a button click (on a message, or on the App Home: no channel, no response_url). */
export function clickRequester(body: BlockAction): Requester {
  return {
    userId: body.user.id,
    teamId: body.team?.id ?? body.user.team_id ?? '',
    apiAppId: body.api_app_id,
    channelId: body.channel?.id ?? '',
    responseUrl: (body as { response_url?: string }).response_url ?? '',
    triggerId: body.trigger_id,
  };
}

/**
 * Builds the context of one request; every listener makes exactly one per command or click.
 * `click`: an audit write that fails is answered as such ("the audit log is unavailable"); a
 * command answers it as the queue being unavailable, since both live in the same Redis.
 */
export function requestContext(deps: RequestDeps, who: Requester, entry: 'command' | 'click' = 'command'): RequestContext {
  const unavailable = (err: unknown) =>
    (entry === 'click' && err instanceof AuditWriteError) || err instanceof UserFacingError ? err : new QueueUnavailableError(err);
  const note = (event: Omit<AuditEventInput, 'actor'>) => recordOrLog(deps.audit, { actor: who.userId, ...event }, deps.logger);
  const refuseUnlessAllowed = async (decision: AccessDecision, audit: AuditFields): Promise<void> => {
    if (decision.allowed) return;
    await note({ ...audit, outcome: 'refused', reason: decision.reason });
    throw new Refused(decision.message);
  };
  // A query has no card to follow: any failure before Redis confirmed it means nothing to look up.
  const enqueueQuery = async <K extends JobKind>(
    kind: K,
    jobId: string,
    data: JobDataByKind[K],
    audit: EnqueueOptions['audit'],
    prepare?: () => Promise<void>,
  ) => {
    try {
      await deps.audit.record({ actor: who.userId, outcome: 'accepted', jobId, ...audit });
      await prepare?.();
      await deps.jobs.submit(kind, jobId, data);
    } catch (err) {
      throw err instanceof QueueUnavailableError || (entry === 'click' && err instanceof AuditWriteError) ? err : new QueueUnavailableError(err);
    }
  };
  return {
    who,
    jobId: jobIdFromTrigger(who.teamId, who.triggerId),
    note,
    refuseUnlessAllowed,
    async authorize(action, environment, audit = {}) {
      const decision = await deps.policy.check({
        userId: who.userId,
        teamId: who.teamId,
        apiAppId: who.apiAppId,
        ...(who.channelId !== '' && { channelId: who.channelId }),
        action,
        ...(environment !== undefined && { environment }),
      });
      const where = { channel: who.channelId, team: who.teamId };
      await refuseUnlessAllowed(decision, { action: `command.${action}`, ...(environment !== undefined && { environment }), details: where, ...audit });
    },
    async enqueue(kind, jobId, data, { audit, card, prepare }) {
      if (!card) return enqueueQuery(kind, jobId, data, audit, prepare);
      try {
        const audited = deps.audit.record({ actor: who.userId, outcome: 'accepted', jobId, ...audit });
        const opened = deps.outbox.open(jobId, { channelId: who.channelId, teamId: who.teamId, responseUrl: who.responseUrl }, card);
        await Promise.all([audited, opened]);
        await prepare?.();
      } catch (err) {
        // The job is not sent yet, so this much is certain: nothing was started.
        throw unavailable(err);
      }
      try {
        await Promise.all([deps.jobs.submit(kind, jobId, data), deps.outbox.requestFlush(jobId)]);
      } catch (err) {
        // submit says which it was; any other failure happened with the job on its way.
        throw err instanceof UserFacingError ? err : new QueueUnconfirmedError(jobId, err);
      }
    },
  };
}
