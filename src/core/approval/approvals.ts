/**
 * Approval of one job, as stored state. Decisions are made atomically by the store so that
 * double-clicks, concurrent approvers and replayed clicks count once, and a request is
 * decided at most once (approved, rejected or expired, never two of them).
 */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface ApprovalDecision {
  userId: string;
  at: string;
}

export interface ApprovalState {
  jobId: string;
  status: ApprovalStatus;
  requesterId: string;
  environment: string;
  /** Approvals needed (N of M). */
  required: number;
  /** `confirm`: only the requester decides (a destructive request in an environment without approvers). */
  mode: 'approval' | 'confirm';
  /** ISO time after which the request can no longer be approved. */
  expiresAt: string;
  /** The plan approvers saw; the job refuses to act on anything else. */
  planHash: string;
  approvals: ApprovalDecision[];
  rejection?: ApprovalDecision & { reason?: string };
  /** When the status left `pending`. */
  decidedAt?: string;
  /** When the request was opened (absent on requests stored before it was recorded). */
  openedAt?: string;
}

/** What a job asks for when it opens its approval request. */
export type NewApproval = Pick<ApprovalState, 'jobId' | 'requesterId' | 'environment' | 'required' | 'mode' | 'expiresAt' | 'planHash'>;

/** What one click did. Everything but `recorded` and `approved` changed nothing. */
export type DecisionResult =
  | { outcome: 'recorded'; state: ApprovalState }
  | { outcome: 'approved'; state: ApprovalState }
  | { outcome: 'rejected'; state: ApprovalState }
  | { outcome: 'duplicate'; state: ApprovalState }
  | { outcome: 'closed'; state: ApprovalState }
  | { outcome: 'expired'; state: ApprovalState }
  /** The requester approving their own request, or someone else confirming a requester-only one. */
  | { outcome: 'forbidden'; state: ApprovalState }
  | { outcome: 'missing' };

export interface Approvals {
  /** Opens the request; opening it again (a retried job) keeps the existing one. */
  open(request: NewApproval): Promise<ApprovalState>;
  get(jobId: string): Promise<ApprovalState | undefined>;
  approve(jobId: string, userId: string, now: Date): Promise<DecisionResult>;
  reject(jobId: string, userId: string, reason: string | undefined, now: Date): Promise<DecisionResult>;
  /** Marks a pending request expired if its time is up; returns the state either way. */
  expireIfDue(jobId: string, now: Date): Promise<ApprovalState | undefined>;
}

/** The requests still waiting for a decision (the App Home lists those waiting for its viewer). */
export interface PendingApprovals {
  /** Pending and not yet expired at `now`, soonest expiry first. */
  listPending(now: Date): Promise<ApprovalState[]>;
}

/** How long the requester has to confirm a removal in an environment without approvers. */
export const CONFIRM_WINDOW_MS = 15 * 60_000;

/**
 * What a removal (a container group, a replica, a task) waits for: the environment's
 * approvers when it has them, else the requester's own Confirm.
 */
export function removalApproval(approval: { required: number; expiresAfter: number } | undefined): {
  mode: 'approval' | 'confirm';
  required: number;
  expiresAfterMs: number;
} {
  return approval
    ? { mode: 'approval', required: approval.required, expiresAfterMs: approval.expiresAfter }
    : { mode: 'confirm', required: 1, expiresAfterMs: CONFIRM_WINDOW_MS };
}
