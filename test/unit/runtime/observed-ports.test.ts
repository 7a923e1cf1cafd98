import { describe, expect, it } from 'vitest';
import type { ApprovalState } from '../../../src/core/approval/approvals.ts';
import type { AppRegistration } from '../../../src/core/credentials/ports.ts';
import { createMetrics } from '../../../src/metrics/metrics.ts';
import { CredentialExpiryGauge, observeApprovalDecisions, observeAudit } from '../../../src/runtime/observed-ports.ts';
import { FakeApplications, FakeApprovals, FakeAudit } from '../../fakes/index.ts';
import { metricValue } from '../../helpers/metrics.ts';

const day = 86_400_000;

describe('ports observed for metrics', () => {
  it('counts an audit write that failed and still refuses the action', async () => {
    const metrics = createMetrics('worker');
    const failing = new FakeAudit();
    failing.failWith = new Error('Redis is down');
    const audit = observeAudit(failing, metrics);
    await expect(audit.record({ actor: 'U1', action: 'deploy', outcome: 'accepted' })).rejects.toThrow('Redis is down');
    expect(metricValue(await metrics.registry.metrics(), 'chatops_audit_write_failures_total')).toBe(1);
  });

  it('observes the time from request to the deciding click, and nothing for clicks that decide nothing', async () => {
    const metrics = createMetrics('bot');
    const state = (status: ApprovalState['status'], decidedAt?: string): ApprovalState => ({
      jobId: 'j1',
      status,
      requesterId: 'U1',
      environment: 'prod',
      required: 1,
      mode: 'approval',
      expiresAt: '2030-01-01T00:00:00Z',
      planHash: 'h',
      approvals: [],
      openedAt: '2026-01-01T10:00:00Z',
      ...(decidedAt && { decidedAt }),
    });
    const inner = new FakeApprovals();
    inner.approve = async () => ({ outcome: 'approved', state: state('approved', '2026-01-01T10:02:00Z') });
    inner.reject = async () => ({ outcome: 'duplicate', state: state('pending') });
    const approvals = observeApprovalDecisions(inner, metrics);
    await approvals.approve('j1', 'U2', new Date());
    await approvals.reject('j1', 'U2', undefined, new Date());
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'chatops_approval_decision_seconds_count', { outcome: 'approved' })).toBe(1);
    expect(metricValue(text, 'chatops_approval_decision_seconds_sum', { outcome: 'approved' })).toBe(120);
    expect(metricValue(text, 'chatops_approval_decision_seconds_count', { outcome: 'rejected' })).toBeUndefined();
  });

  it('buckets the listed secrets by days to expiry at scrape time, following the clock', async () => {
    const metrics = createMetrics('worker');
    let now = Date.parse('2026-03-01T00:00:00Z');
    const gauge = new CredentialExpiryGauge(metrics.registry, [30, 7, 1], () => now);
    const app = (appId: string, ...days: number[]): AppRegistration => ({
      id: appId,
      appId,
      displayName: appId,
      passwords: days.map((d, i) => ({ keyId: `${appId}-${i}`, endDateTime: new Date(now + d * day).toISOString() })),
    });
    const inner = new FakeApplications(app('a'));
    inner.list = async () => [app('a', -1, 0.5), app('b', 5, 20, 90)];
    await gauge.observeApplications(inner).list();
    let text = await metrics.registry.metrics();
    const bucket = (b: string) => metricValue(text, 'chatops_credentials_expiring', { kind: 'app_secret', bucket: b });
    expect([bucket('expired'), bucket('le_1'), bucket('le_7'), bucket('le_30'), bucket('later')]).toEqual([1, 1, 1, 1, 1]);
    now += 5 * day; // nothing listed since: the 5-day secret has expired, the 20-day one is within 30 → within 30 still
    text = await metrics.registry.metrics();
    expect([bucket('expired'), bucket('le_1'), bucket('le_7'), bucket('le_30'), bucket('later')]).toEqual([3, 0, 0, 1, 1]);
    expect(metricValue(text, 'chatops_credentials_expiring', { kind: 'registry_token' })).toBeUndefined();
  });
});
