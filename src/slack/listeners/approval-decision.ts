import type { Logger } from 'pino';
import type { EnvironmentConfig } from '../../config/file.ts';
import { recordOrLog } from '../../audit/record-or-log.ts';
import type { AccessPolicy, AccessRequest } from '../../core/access/access-policy.ts';
import type { GroupMembers } from '../../core/access/group-members.ts';
import type { Approvals } from '../../core/approval/approvals.ts';
import { changedRequest, decisionRefusal, decisionText, tookEffect, type DecisionRefusal, type DecisionVerb } from '../../core/approval/decision-rules.ts';
import type { AuditLog } from '../../core/audit.ts';
import type { AciActionJobData } from '../../core/deploy/aci-action-job.ts';
import type { DeployJobData } from '../../core/deploy/deploy-job.ts';
import { jobIdPattern } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import type { AcrChangeJobData } from '../../core/registry/acr-change.ts';

/** A job that waits for a decision. */
export type Gated = { kind: 'deploy'; data: DeployJobData } | { kind: 'aci-action'; data: AciActionJobData } | { kind: 'acr-change'; data: AcrChangeJobData };

export interface ApprovalDecisionDeps {
  jobs: JobQueue;
  approvals: Approvals;
  policy: AccessPolicy;
  groups: GroupMembers;
  audit: AuditLog;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  logger: Logger;
  now?: () => Date;
}

/** Loading a gated job, checking who may decide, and deciding: what the approval buttons share. */
export interface ApprovalDecisions {
  load(jobId: string): Promise<Gated | undefined>;
  refusal(who: Pick<AccessRequest, 'userId' | 'teamId' | 'apiAppId'>, gated: Gated, verb: DecisionVerb): Promise<DecisionRefusal | undefined>;
  /** Audits a refusal (best effort). */
  refuse(userId: string, gated: Gated, verb: DecisionVerb, why: DecisionRefusal): Promise<void>;
  /**
   * Audits the decision, then takes it: an approval never takes effect without its record. When
   * the audit write fails this throws `AuditWriteError` (its message tells the decider to try
   * again) and the stored request is untouched. Returns what to tell the decider.
   */
  decide(userId: string, gated: Gated, verb: DecisionVerb, reason: string | undefined): Promise<string>;
}

/** What an approval decision is about, for the audit record. */
function targetOf(gated: Gated): string {
  if (gated.kind === 'acr-change') return gated.data.target.registry;
  return gated.data.target.name || gated.data.target.resourceGroup;
}

export function approvalDecisions(deps: ApprovalDecisionDeps): ApprovalDecisions {
  const now = deps.now ?? (() => new Date());
  const rules = {
    policy: deps.policy,
    approvals: deps.approvals,
    groups: deps.groups,
    approversOf: (env: string) => deps.environments[env]?.approval?.approvers ?? [],
  };
  return {
    async load(jobId) {
      if (!jobIdPattern.test(jobId)) return undefined;
      const job = await deps.jobs.get(jobId);
      if (job?.kind === 'deploy') return { kind: 'deploy', data: job.data as DeployJobData };
      if (job?.kind === 'aci-action') return { kind: 'aci-action', data: job.data as AciActionJobData };
      if (job?.kind === 'acr-change') return { kind: 'acr-change', data: job.data as AcrChangeJobData };
      return undefined;
    },
    refusal: (who, gated, verb) => decisionRefusal(rules, who, gated.data.jobId, verb),
    async refuse(userId, gated, verb, why) {
      await recordOrLog(
        deps.audit,
        { actor: userId, action: `approval.${verb}`, outcome: 'refused', reason: why.reason, environment: gated.data.environment, jobId: gated.data.jobId },
        deps.logger,
      );
    },
    async decide(userId, gated, verb, reason) {
      const jobId = gated.data.jobId;
      const base = { actor: userId, action: `approval.${verb}`, environment: gated.data.environment, target: targetOf(gated), jobId };
      // Fail closed: without this record nothing is decided.
      await deps.audit.record({ ...base, outcome: 'accepted', ...(reason !== undefined && { details: { reason } }) });
      const result = verb === 'approve' ? await deps.approvals.approve(jobId, userId, now()) : await deps.approvals.reject(jobId, userId, reason, now());
      await recordOrLog(
        deps.audit,
        {
          ...base,
          outcome: tookEffect(result) ? 'succeeded' : 'refused',
          ...(!tookEffect(result) && { reason: result.outcome }),
          details: { result: result.outcome, ...(reason !== undefined && { reason }) },
        },
        deps.logger,
      );
      // The job renders the card from the stored approval; waking it makes that (and the deploy) happen now.
      if (changedRequest(result)) await deps.jobs.wake(jobId);
      return decisionText(result, verb, jobId);
    },
  };
}
