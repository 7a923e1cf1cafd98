import type { ApprovalState, Approvals, DecisionResult, NewApproval } from '../../src/core/approval/approvals.ts';
import { notFaked } from './not-faked.ts';

/** {@link Approvals} whose methods throw until a test sets the ones it needs (`approvals.approve = async () => …`). */
export class FakeApprovals implements Approvals {
  async open(_request: NewApproval): Promise<ApprovalState> {
    return notFaked('Approvals', 'open');
  }
  async get(_jobId: string): Promise<ApprovalState | undefined> {
    return notFaked('Approvals', 'get');
  }
  async approve(_jobId: string, _userId: string, _now: Date): Promise<DecisionResult> {
    return notFaked('Approvals', 'approve');
  }
  async reject(_jobId: string, _userId: string, _reason: string | undefined, _now: Date): Promise<DecisionResult> {
    return notFaked('Approvals', 'reject');
  }
  async expireIfDue(_jobId: string, _now: Date): Promise<ApprovalState | undefined> {
    return notFaked('Approvals', 'expireIfDue');
  }
}
