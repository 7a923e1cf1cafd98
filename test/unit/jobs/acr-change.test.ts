/** The `acr-change` job with in-memory ports: token creation survives a crash, replicas are followed durably. */
import { describe, expect, it } from 'vitest';
import { createAcrChangeJob } from '../../../jobs/acr-change.ts';
import { credentialsSchema } from '../../../src/config/credentials-settings.ts';
import { environmentSchema } from '../../../src/config/file.ts';
import type { AcrChange, AcrChangeJobData } from '../../../src/core/registry/acr-change.ts';
import {
  FakeAcrTasks,
  FakeApprovals,
  FakeAudit,
  FakeRegistryAdmin,
  FakeRegistryTokens,
  FakeReporter,
  FakeVault,
  Woke,
  fakeContext,
} from '../../fakes/index.ts';

const target = { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', registry: 'contosodev' };

function setup() {
  const admin = new FakeRegistryAdmin();
  const tokens = new FakeRegistryTokens();
  tokens.newValue = (_slot, n) => `password-${n}`;
  const vault = new FakeVault();
  const reporter = new FakeReporter();
  const audit = new FakeAudit();
  const job = createAcrChangeJob({
    registryAdmin: admin,
    acrTasks: new FakeAcrTasks(),
    registryTokens: tokens,
    vault,
    approvals: new FakeApprovals(),
    audit,
    reporter,
    environments: {
      dev: environmentSchema.parse({ subscriptionId: target.subscriptionId, resourceGroup: 'rg-dev', location: 'eastus', registry: 'contosodev' }),
    },
    credentials: credentialsSchema.parse({ alertChannel: 'C0A', keyVaultUrl: 'https://kv.vault.azure.net' }),
    portal: 'https://portal.azure.com',
    pollIntervalMs: 1000,
  });
  const data = (change: AcrChange): AcrChangeJobData => ({
    jobId: 'j000000000001',
    requesterId: 'U0ADMIN',
    teamId: 'T0',
    channelId: 'C0',
    environment: 'dev',
    queuedAt: new Date().toISOString(),
    target,
    change,
    progress: { phase: 'new' },
  });
  return {
    admin,
    tokens,
    vault,
    reporter,
    get audit() {
      return audit.events.map((e) => `${e.action} ${e.outcome}`);
    },
    job,
    data,
  };
}

const tokenChange: AcrChange = { op: 'token.create', token: 'ci-pull', repositories: [{ repository: 'web', actions: ['content/read'] }], expirationDays: 30 };

describe('acr-change job', () => {
  it('creates scope map, token and password, and stores the password in Key Vault before saying so', async () => {
    const s = setup();
    const ctx = fakeContext(s.data(tokenChange));
    await s.job(ctx);
    expect(s.admin.calls).toEqual(['scopeMap ci-pull-scope-map repositories/web/content/read', 'token ci-pull /scopeMaps/ci-pull-scope-map']);
    expect(s.vault.stored).toEqual([{ name: 'acr-token-contosodev-ci-pull', value: 'password-1' }]);
    expect(ctx.data.progress).toMatchObject({ phase: 'done', outcome: 'succeeded', secretName: 'acr-token-contosodev-ci-pull' });
    expect(s.audit).toEqual(['acr.token.create.apply accepted', 'acr.token.create.result succeeded']);
    expect(JSON.stringify([s.reporter.cards, s.reporter.messages, ctx.saves])).not.toContain('password-1');
  });

  it('after a failure between generating and storing the password, regenerates and stores it on retry instead of refusing its own token', async () => {
    const s = setup();
    s.vault.failNextSet = true;
    const ctx = fakeContext(s.data(tokenChange));
    await expect(s.job(ctx)).rejects.toThrow('Key Vault is unavailable');
    expect(s.vault.stored).toHaveLength(0);
    const retry = fakeContext(ctx.data, { attemptsMade: 1 });
    await s.job(retry);
    expect(retry.data.progress.outcome).toBe('succeeded');
    // The first password was never stored anywhere, so it was regenerated: the vault has the only working value.
    expect(s.vault.stored).toEqual([{ name: 'acr-token-contosodev-ci-pull', value: 'password-2' }]);
  });

  it('refuses a token that existed before the job, and changes nothing', async () => {
    const s = setup();
    s.admin.tokens.set('ci-pull', { id: '/tokens/ci-pull', name: 'ci-pull', passwords: [] });
    const ctx = fakeContext(s.data(tokenChange));
    await s.job(ctx);
    expect(ctx.data.progress.outcome).toBe('failed');
    expect(s.admin.calls).toEqual([]);
    expect(s.tokens.generated).toBe(0);
    expect(JSON.stringify(s.reporter.messages)).toContain('/acr token rotate --name ci-pull');
  });

  it('sends a replica once, then looks at it after durable waits until Azure says Succeeded', async () => {
    const s = setup();
    const ctx = fakeContext(s.data({ op: 'replication.create', location: 'japaneast' }));
    await expect(s.job(ctx)).rejects.toBeInstanceOf(Woke);
    await expect(s.job(ctx)).rejects.toBeInstanceOf(Woke);
    expect(s.admin.calls).toEqual(['replicate japaneast']);
    s.admin.replicas.set('japaneast', { name: 'japaneast', location: 'japaneast', provisioningState: 'Succeeded', status: 'Ready' });
    await s.job(ctx);
    expect(ctx.data.progress.outcome).toBe('succeeded');
    expect(s.admin.calls).toEqual(['replicate japaneast']);
    expect(s.reporter.last!.detail?.mrkdwn).toContain('now replicated to japaneast');
  });

  it('refuses a replica of a Standard registry before calling Azure', async () => {
    const s = setup();
    s.admin.sku = 'Standard';
    const ctx = fakeContext(s.data({ op: 'replication.create', location: 'japaneast' }));
    await s.job(ctx);
    expect(ctx.data.progress.outcome).toBe('failed');
    expect(s.admin.calls).toEqual([]);
  });

  it('a replica delete whose answer was lost counts as done on retry, while a replica that never existed is reported', async () => {
    const s = setup();
    s.admin.replicas.set('japaneast', { name: 'japaneast', location: 'japaneast', provisioningState: 'Succeeded' });
    s.admin.failAfterDelete = true;
    const ctx = fakeContext(s.data({ op: 'replication.delete', location: 'japaneast' }));
    await expect(s.job(ctx)).rejects.toThrow('connection reset');
    await s.job(fakeContext(ctx.data, { attemptsMade: 1 }));
    expect(s.admin.calls).toEqual(['delete japaneast', 'delete japaneast']);
    expect(s.reporter.last!.status).toBe('succeeded');
    expect(s.reporter.last!.detail?.mrkdwn).toContain('was deleted');

    const never = setup();
    const other = fakeContext(never.data({ op: 'replication.delete', location: 'westus' }));
    await never.job(other);
    expect(other.data.progress.outcome).toBe('failed');
    expect(JSON.stringify(never.reporter.messages)).toContain('has no replica in westus');
  });
});
