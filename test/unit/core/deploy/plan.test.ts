import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../../src/config/file.ts';
import type { ApprovalState } from '../../../../src/core/approval/approvals.ts';
import { toContainerGroupSpec } from '../../../../src/core/deploy/container-spec.ts';
import { approvalDetail, deployCard } from '../../../../src/core/deploy/deploy-card.ts';
import type { DeployJobData } from '../../../../src/core/deploy/deploy-job.ts';
import { effectiveIpAddress, policyProblem } from '../../../../src/core/deploy/deploy-policy.ts';
import { explainDeployFailure } from '../../../../src/core/deploy/explain-failure.ts';
import { makePlan } from '../../../../src/core/deploy/plan.ts';
import { previousKnownGood } from '../../../../src/slack/listeners/rollback-action.ts';
import { deployJobData, webRequest } from '../../../fakes/index.ts';

const env = environmentSchema.parse({
  subscriptionId: '11111111-1111-1111-1111-111111111111',
  resourceGroup: 'rg',
  location: 'westeurope',
  registry: 'contosoprod',
});
const digest = `sha256:${'a'.repeat(64)}`;

function job(overrides: Partial<DeployJobData['request']> = {}): DeployJobData {
  return deployJobData({
    ...webRequest,
    ipAddress: 'Public',
    environmentVariables: [{ name: 'MODE', value: 'prod' }],
    secureEnvironmentVariables: [{ name: 'DB_PASSWORD', secretName: 'db-password' }],
    ...overrides,
  });
}

describe('deploy plans', () => {
  it('pins the image by digest and hashes everything that changes what runs', () => {
    const resolved = { loginServer: 'contosoprod.azurecr.io', digest };
    const plan = makePlan(job(), resolved, { none: true });
    expect(plan.image).toBe(`contosoprod.azurecr.io/web@${digest}`);
    expect(makePlan(job(), resolved, { none: true }).hash).toBe(plan.hash);
    expect(makePlan(job(), { ...resolved, digest: `sha256:${'b'.repeat(64)}` }, { none: true }).hash).not.toBe(plan.hash);
    expect(makePlan(job({ ports: [80, 443] }), resolved, { none: true }).hash).not.toBe(plan.hash);
    expect(makePlan(job({ environmentVariables: [{ name: 'MODE', value: 'dev' }] }), resolved, { none: true }).hash).not.toBe(plan.hash);
    expect(makePlan(job(), resolved, { identity: '/subscriptions/x' }).hash).not.toBe(plan.hash);
  });

  it('puts secrets only into the PUT body, never into the plan or the card', () => {
    const plan = makePlan(job(), { loginServer: 'contosoprod.azurecr.io', digest }, { username: 'app', passwordSecret: 'acr-pull' });
    const spec = toContainerGroupSpec(plan, { env: new Map([['DB_PASSWORD', 'hunter2']]), pullPassword: 'pullpw' });
    expect(spec.containers[0]!.environmentVariables).toContainEqual({ name: 'DB_PASSWORD', secureValue: 'hunter2' });
    expect(spec.imageRegistryCredentials).toEqual([{ server: 'contosoprod.azurecr.io', username: 'app', password: 'pullpw' }]);
    const data = { ...job(), progress: { phase: 'ready' as const, plan } };
    const card = JSON.stringify(deployCard(data, { status: 'awaiting_approval', portal: 'https://portal.azure.com' }));
    expect(JSON.stringify(plan)).not.toContain('hunter2');
    expect(card).not.toContain('hunter2');
    expect(card).toContain('DB_PASSWORD');
  });
});

describe('deploy policy', () => {
  const locked = environmentSchema.parse({ ...env, policy: { publicIp: false, allowedRegistries: ['ContosoProd.azurecr.io'] } });
  it('refuses public IPs and foreign registries where the environment forbids them', () => {
    expect(policyProblem('prod', env, job().request)).toBeUndefined();
    expect(policyProblem('prod', locked, job().request)?.text).toMatch(/does not allow .* public IP/);
    const privateFrom = (registry: string) =>
      job({ ipAddress: 'Private', subnet: '/subscriptions/x', image: { registry, repository: 'web', tag: 'v1', text: 'x' } }).request;
    expect(policyProblem('prod', locked, privateFrom('docker.io'))?.text).toContain('only runs images from contosoprod.azurecr.io');
    expect(policyProblem('prod', locked, privateFrom('contosoprod.azurecr.io'))).toBeUndefined();
  });

  it('gives an IP address like az container create: public when asked or with a DNS label, private in a subnet, else none', () => {
    expect(effectiveIpAddress({})).toBeUndefined();
    expect(effectiveIpAddress({ dnsNameLabel: 'contoso-web' })).toBe('Public');
    expect(effectiveIpAddress({ ipAddress: 'Public' })).toBe('Public');
    expect(effectiveIpAddress({ subnet: '/x' })).toBe('Private');
    expect(effectiveIpAddress({ ipAddress: 'Private', subnet: '/x' })).toBe('Private');
  });

  it('allows a group without an IP address where public IPs are forbidden', () => {
    const { ipAddress: _none, ...noIp } = job().request;
    expect(policyProblem('prod', locked, noIp)).toBeUndefined();
  });
});

describe('approval config', () => {
  it('validates approvers, required and expiry, and needs a vault for a pull secret', () => {
    const ok = environmentSchema.parse({ ...env, approval: { approvers: ['U01ALICE', 'S02LEADS'] } });
    expect(ok.approval).toEqual({ approvers: ['U01ALICE', 'S02LEADS'], required: 1, expiresAfter: 3_600_000 });
    expect(environmentSchema.safeParse({ ...env, approval: { approvers: [] } }).success).toBe(false);
    expect(environmentSchema.safeParse({ ...env, approval: { approvers: ['alice'] } }).success).toBe(false);
    expect(environmentSchema.safeParse({ ...env, approval: { approvers: ['U01'], expiresAfter: 'soon' } }).success).toBe(false);
    const noVault = environmentSchema.safeParse({ ...env, registryCredentials: { username: 'app', passwordSecret: 'acr-pull' } });
    expect(noVault.success).toBe(false);
    expect(JSON.stringify(noVault.error?.issues)).toContain('keyVaultUrl');
  });
});

describe('cards and explanations', () => {
  const base: ApprovalState = {
    jobId: 'j',
    status: 'pending',
    requesterId: 'U0REQ',
    environment: 'prod',
    required: 2,
    mode: 'approval',
    expiresAt: '2026-11-28T11:00:00.000Z',
    planHash: 'h',
    approvals: [],
  };
  it('says who must approve, who did, who rejected and why, and when it expired', () => {
    expect(approvalDetail(base, ['U01ALICE', 'S02LEADS']).mrkdwn).toBe(
      'Needs 2 approvals from <@U01ALICE> or <!subteam^S02LEADS>, not the requester · expires 11:00 UTC.',
    );
    expect(approvalDetail({ ...base, status: 'approved', approvals: [{ userId: 'U0A', at: '2026-11-28T10:03:00.000Z' }] }, []).mrkdwn).toBe(
      'Approved by <@U0A> at 10:03 UTC.',
    );
    expect(
      approvalDetail({ ...base, status: 'rejected', rejection: { userId: 'U0B', at: '2026-11-28T10:04:00.000Z', reason: 'not <!here>' } }, []).mrkdwn,
    ).toBe('Rejected by <@U0B> at 10:04 UTC: not &lt;!here&gt;');
    expect(approvalDetail({ ...base, status: 'expired' }, []).mrkdwn).toContain('Expired at 11:00 UTC');
  });

  it('explains ACI failures with a next step', () => {
    const ctx = { name: 'web', image: 'r/web@sha256:1', location: 'westeurope' };
    expect(explainDeployFailure({ code: 'InaccessibleImage', message: 'x' }, ctx).hint).toContain('registryCredentials');
    expect(explainDeployFailure({ code: 'ContainerGroupQuotaReached', message: 'x' }, ctx).text).toContain('quota');
    expect(explainDeployFailure({ code: 'DnsNameLabelNotAvailable', message: 'x' }, ctx).hint).toContain('--dns-name-label');
    expect(explainDeployFailure({ message: 'x' }, ctx).hint).toContain('Rollback');
  });

  it('picks the previous known-good deploy with a different image for rollback', () => {
    const rec = (jobId: string, d: string) => ({ jobId, image: `r/web@${d}`, loginServer: 'r', repository: 'web', digest: d, at: '' });
    const history = [rec('j3', 'sha256:3'), rec('j2', 'sha256:2'), rec('j1', 'sha256:2'), rec('j0', 'sha256:0')];
    const data = (jobId: string, d: string) => ({
      ...job(),
      jobId,
      progress: { phase: 'done' as const, plan: makePlan(job(), { loginServer: 'r', digest: d }, { none: true }) },
    });
    expect(previousKnownGood(data('j3', 'sha256:3'), history)?.jobId).toBe('j2');
    expect(previousKnownGood(data('j2', 'sha256:2'), history)?.jobId).toBe('j0');
    expect(previousKnownGood(data('j9', 'sha256:9'), history)?.jobId).toBe('j3'); // a failed deploy: back to the newest good one
    expect(previousKnownGood(data('j0', 'sha256:0'), history)).toBeUndefined();
  });
});
