import type { ApprovalState, Approvals } from '../src/core/approval/approvals.ts';
import { progressed, type StepRun } from './step-runner.ts';

/** How often a job waiting for approval looks again, should a wake-up from the click be missed. */
export const approvalRecheckMs = 15_000;

export type GateResult =
  | { kind: 'approved'; state: ApprovalState }
  | { kind: 'rejected'; state: ApprovalState }
  | { kind: 'expired'; state: ApprovalState }
  | { kind: 'pending'; state: ApprovalState; recheckInMs: number };

/**
 * Where a job's approval stands. The click handler records decisions and wakes the job; the
 * job only reads them here, so the decision itself happens exactly once, in the store.
 */
export async function checkApproval(approvals: Approvals, jobId: string, now: Date): Promise<GateResult> {
  const state = await approvals.expireIfDue(jobId, now);
  if (!state) throw new Error(`approval of job ${jobId} is missing`);
  if (state.status === 'pending') {
    const left = Date.parse(state.expiresAt) - now.getTime();
    return { kind: 'pending', state, recheckInMs: Math.max(50, Math.min(left + 50, approvalRecheckMs)) };
  }
  return { kind: state.status, state };
}

/** How a job asks for approval (stored in its data by the Slack handler). */
export interface ApprovalAsk {
  mode: 'approval' | 'confirm';
  required: number;
  expiresAfterMs: number;
}

/** Opens the job's approval request; opening it again (a retried job) keeps the existing one. */
export async function openApproval(
  approvals: Approvals,
  job: { jobId: string; requesterId: string; environment: string; approval: ApprovalAsk },
  planHash: string,
  now: Date,
): Promise<void> {
  await approvals.open({
    jobId: job.jobId,
    requesterId: job.requesterId,
    environment: job.environment,
    required: job.approval.required,
    mode: job.approval.mode,
    expiresAt: new Date(now.getTime() + job.approval.expiresAfterMs).toISOString(),
    planHash,
  });
}

/**
 * One look at a waiting job's approval. While it is pending, `show` is called when what the
 * card should say changed (a new approval arrived) and the job sleeps (`sleep` never returns);
 * otherwise the decision is returned for the job to act on.
 */
export async function awaitDecision(
  approvals: Approvals,
  jobId: string,
  now: Date,
  shown: string | undefined,
  show: (state: ApprovalState, shown: string) => Promise<void>,
  sleep: (ms: number) => Promise<never>,
): Promise<Exclude<GateResult, { kind: 'pending' }>> {
  const gate = await checkApproval(approvals, jobId, now);
  if (gate.kind !== 'pending') return gate;
  const next = `${gate.state.status}:${gate.state.approvals.length}`;
  if (shown !== next) await show(gate.state, next);
  return sleep(gate.recheckInMs);
}

/**
 * The `awaiting-approval` step's look at the decision, for a job whose progress remembers what
 * its card last showed: a new approval updates the card (`showCard`) and the job sleeps; a
 * decision is returned for the job to act on.
 */
export function decisionOf<D extends { jobId: string; progress: { approvalShown?: string } }>(
  approvals: Approvals,
  run: StepRun<D>,
  now: Date,
  showCard: (data: D, approval: ApprovalState) => Promise<void>,
): Promise<Exclude<GateResult, { kind: 'pending' }>> {
  const { data } = run;
  return awaitDecision(
    approvals,
    data.jobId,
    now,
    data.progress.approvalShown,
    async (approval, shown) => {
      await showCard(data, approval);
      await run.save(progressed(data, { approvalShown: shown } as Partial<D['progress']>));
    },
    (ms) => run.wakeAfter(ms),
  );
}
