import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../src/config/file.ts';
import type { AccessPolicy } from '../../../src/core/access/access-policy.ts';
import { AuditWriteError, type AuditEventInput, type AuditLog } from '../../../src/core/audit.ts';
import type { JobQueue, StoredJob } from '../../../src/core/job-queue.ts';
import { createLogger } from '../../../src/core/logger.ts';
import type { Mrkdwn } from '../../../src/core/mrkdwn.ts';
import { RedisApprovals } from '../../../src/queue/approvals.ts';
import { registerApprovalActions } from '../../../src/slack/listeners/approval-actions.ts';

/** Bolt's own test seam (bolt-js test/unit/helpers/receivers.ts): events go straight to the app. */
class FakeReceiver implements Receiver {
  private app: App | undefined;
  init(app: App): void {
    this.app = app;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(body: Record<string, unknown>): Promise<void> {
    const event: ReceiverEvent = { body, ack: async () => {} };
    await this.app!.processEvent(event);
  }
}

const requester = 'U0ALICE';
const approver = 'U0CAROL';
const jobId = 'j0abc12def345';

/** A click on the App Home (no response_url: the answer goes to the Home notifier). */
function homeClick(actionId: string, userId: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: userId, team_id: 'T0TEAM' },
    team: { id: 'T0TEAM' },
    api_app_id: 'A0CHATOPS',
    trigger_id: `${Date.now()}.1.abc`,
    container: { type: 'view', view_id: 'V0HOME' },
    view: { type: 'home', id: 'V0HOME', blocks: [], state: { values: {} } },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: jobId, action_ts: '1.2' }],
  };
}

describe('an approval is audited before it takes effect', () => {
  let redis: Redis;
  let receiver: FakeReceiver;
  let approvals: RedisApprovals;
  let auditDown: boolean;
  let recorded: AuditEventInput[];
  let woken: string[];
  let told: string[];

  beforeEach(async () => {
    redis = new Redis(process.env.TEST_REDIS_URL!);
    approvals = new RedisApprovals(redis, `test-${randomUUID()}`);
    await approvals.open({
      jobId,
      requesterId: requester,
      environment: 'prod',
      required: 1,
      mode: 'approval',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      planHash: 'h',
    });
    auditDown = false;
    recorded = [];
    woken = [];
    told = [];
    const audit: AuditLog = {
      async record(event) {
        if (auditDown) throw new AuditWriteError(event.action, new Error('Redis is down'));
        recorded.push(event);
      },
      query: async () => ({ events: [] }),
    };
    const job = {
      id: jobId,
      kind: 'deploy',
      state: 'delayed',
      data: { jobId, environment: 'prod', approval: { required: 1, expiresAfterMs: 3600_000 }, target: { name: 'web', resourceGroup: 'rg-prod' } },
    } as unknown as StoredJob;
    const jobs: JobQueue = { submit: async () => {}, get: async (id) => (id === jobId ? job : undefined), wake: async (id) => void woken.push(id) };
    const policy: AccessPolicy = { check: async () => ({ allowed: true, roles: [] }), rolesOf: async () => ({}) };
    receiver = new FakeReceiver();
    const app = new App({ token: 'xoxb-test', receiver, botId: 'B0BOT', botUserId: 'U0BOT', tokenVerificationEnabled: false });
    registerApprovalActions(app, {
      jobs,
      approvals,
      policy,
      groups: { membersOf: async () => new Set<string>() },
      audit,
      environments: { prod: { approval: { approvers: [approver], required: 1 } } as unknown as EnvironmentConfig },
      logger: createLogger('silent'),
      home: { notify: async (_userId: string, text: Mrkdwn) => void told.push(text.mrkdwn) },
    });
  });

  afterEach(async () => {
    redis.disconnect();
  });

  it('leaves the request pending, wakes nothing and asks the approver to retry when the audit write fails', async () => {
    auditDown = true;
    await receiver.send(homeClick('approval.approve', approver));
    const state = await approvals.get(jobId);
    expect(state?.status).toBe('pending');
    expect(state?.approvals).toEqual([]);
    expect(woken).toEqual([]);
    expect(told.join('\n')).toContain('The audit log is unavailable right now, so nothing was done.');
    expect(told.join('\n')).toContain('Try again in a minute');
  });

  it('records the approval before the store takes it, then its outcome, and wakes the job', async () => {
    await receiver.send(homeClick('approval.approve', approver));
    expect((await approvals.get(jobId))?.status).toBe('approved');
    expect(recorded.map((e) => `${e.action} ${e.outcome}`)).toEqual(['approval.approve accepted', 'approval.approve succeeded']);
    expect(woken).toEqual([jobId]);
    expect(told.join('\n')).toContain('Approved');
  });
});
