import type { Mrkdwn } from './mrkdwn.ts';

/**
 * What the Slack thread of a job shows, as plain data. Jobs produce these; only the Slack
 * layer turns them into Block Kit, so a job never depends on Slack's message format.
 */
export const JobStatus = {
  Queued: 'queued',
  Running: 'running',
  Cancelling: 'cancelling',
  Succeeded: 'succeeded',
  Failed: 'failed',
  Canceled: 'canceled',
  TimedOut: 'timed_out',
  /** Waiting for approvers (or the requester's confirmation). */
  AwaitingApproval: 'awaiting_approval',
  Rejected: 'rejected',
  /** Nobody decided in time; not a failure. */
  Expired: 'expired',
  /** A report that needs someone's attention (an expiry alert), not a job outcome. */
  Alert: 'alert',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export const terminalStatuses: ReadonlySet<JobStatus> = new Set([
  JobStatus.Succeeded,
  JobStatus.Failed,
  JobStatus.Canceled,
  JobStatus.TimedOut,
  JobStatus.Rejected,
  JobStatus.Expired,
  JobStatus.Alert,
]);

/** Buttons a card can offer; the Slack layer maps each to an action id and re-authorises clicks. */
export type CardAction =
  | 'cancel'
  /** Approve / reject a request that needs approvers. */
  | 'approve'
  | 'reject'
  /** The requester confirms / dismisses a destructive request (delete without approvers). */
  | 'confirm'
  | 'dismiss'
  /** Redeploy the previous known-good image of a finished deploy. */
  | 'rollback'
  /** Plan the replacement (delete, then create) of a group whose in-place update ARM refused. */
  | 'replace';

/** The buttons of a card waiting for a decision: Confirm/Dismiss for the requester's own confirmation, Approve/Reject for approvers. */
export function decisionActions(status: JobStatus, mode: 'approval' | 'confirm' | undefined): CardAction[] {
  if (status !== 'awaiting_approval') return [];
  return mode === 'confirm' ? ['confirm', 'dismiss'] : ['approve', 'reject'];
}

export interface CardField {
  label: string;
  value: string;
  /** Show as code (image names, digests, run ids). */
  code?: boolean;
}

/** The live status card, edited in place: the latest version always wins. */
export interface JobCard {
  jobId: string;
  /** e.g. "Build web:v1". */
  title: string;
  requesterId: string;
  environment: string;
  status: JobStatus;
  /** One line under the title, e.g. "Run ca12 is running in contosodev". */
  detail?: Mrkdwn;
  fields: CardField[];
  links: { label: string; url: string }[];
  actions: CardAction[];
  /** Lines with their own button (an alert's credentials, each with Rotate); at most 40 are shown. */
  rows?: { text: Mrkdwn; action?: 'rotate' }[];
  /** What the confirm dialog of `approve`/`confirm` names, e.g. "Deploy web to prod". */
  actionSubject?: string;
  /** ISO timestamps. */
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * A reply in the job's thread: milestones, log batches, errors, attached files. Plain
 * strings are shown as text (escaped by the Slack layer); `Mrkdwn` may carry mentions.
 *
 * A `log` is either a whole answer (a listing: attached as a file when too long for a message)
 * or, with `live`, one batch of a log that keeps coming: batches may be merged while Slack is
 * busy, and their middle dropped when too long, with `fullLog` saying where the whole log is.
 * A `file` names `fullLog` too, for when Slack refuses the upload and only its tail is shown.
 */
export type ThreadMessage =
  | { kind: 'note'; text: Mrkdwn }
  | { kind: 'error'; text: string; hint?: string }
  | { kind: 'log'; text: string; skippedBytes?: number; live?: { fullLog: Mrkdwn } }
  | { kind: 'file'; filename: string; title: string; content: string; comment?: string; fullLog?: Mrkdwn };

/** Whether Slack has the job's card where it was asked to go (expiry alerts are marked sent only then). */
export type CardDelivery = 'pending' | 'delivered' | 'rerouted';

/** Where a job's card lives and who to tell if posting it fails. */
export interface CardTarget {
  channelId: string;
  teamId: string;
}

/**
 * How jobs report to people. Implementations must be durable: a report accepted here
 * reaches Slack eventually even if Slack is down right now.
 */
export interface JobReporter {
  /** Posts a job's first card where no command opened one (scheduled jobs, alerts). */
  openCard(card: JobCard, target: CardTarget): Promise<void>;
  /** Replaces the card (creating it the first time); the newest call wins. */
  updateCard(card: JobCard): Promise<void>;
  /** Appends a reply to the job's thread, in order. */
  post(jobId: string, message: ThreadMessage): Promise<void>;
  /**
   * Whether the card reached its channel: `delivered` once Slack accepted it there,
   * `rerouted` when the channel refused it and it went to people directly instead.
   */
  deliveryOf(jobId: string): Promise<CardDelivery>;
}
