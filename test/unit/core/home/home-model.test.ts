/**
 * The App Home as data and as Block Kit: what the model keeps for each person, and that the
 * rendered view stays within Slack's limits however much there is to show (checked with the
 * same rules the Slack emulator enforces on views.publish).
 */
import { describe, expect, it } from 'vitest';
import { environmentSchema, type EnvironmentConfig } from '../../../../src/config/file.ts';
import { createAccessPolicy } from '../../../../src/core/access/access-policy.ts';
import type { ApprovalState } from '../../../../src/core/approval/approvals.ts';
import type { JobCard, JobStatus } from '../../../../src/core/card.ts';
import type { ExpiringCredential } from '../../../../src/core/credentials/expiry.ts';
import type { DeployRecord } from '../../../../src/core/deploy/deploy-job.ts';
import { buildHomeModel, homeLimits, type HomeSources } from '../../../../src/core/home/home-model.ts';
import { md } from '../../../../src/core/mrkdwn.ts';
import { renderHome } from '../../../../src/slack/render/home-blocks.ts';
import { blockProblems } from '../../../emulators/slack/block-kit.ts';

const now = new Date('2026-11-28T12:00:00Z');
const env = (approvers: string[] = []): EnvironmentConfig =>
  environmentSchema.parse({
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg',
    location: 'westeurope',
    channels: [],
    ...(approvers.length && { approval: { approvers, required: 1, expiresAfter: '1h' } }),
  });

function card(jobId: string, overrides: Partial<JobCard> = {}): JobCard {
  return {
    jobId,
    title: `Deploy web to prod <@U0EVIL> & ${'x'.repeat(80)}`,
    requesterId: 'U0BOB',
    environment: 'prod',
    status: 'succeeded',
    fields: [],
    links: [],
    actions: [],
    queuedAt: now.toISOString(),
    ...overrides,
  };
}

function approval(jobId: string, overrides: Partial<ApprovalState> = {}): ApprovalState {
  return {
    jobId,
    status: 'pending',
    requesterId: 'U0BOB',
    environment: 'prod',
    required: 2,
    mode: 'approval',
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    planHash: 'abc123',
    approvals: [],
    ...overrides,
  };
}

/** Sources over plain data: prod (carol approves), staging and a secret environment only U0SRE sees. */
function sources(data: {
  approvals?: ApprovalState[];
  cards?: JobCard[];
  userJobs?: string[];
  deploys?: DeployRecord[];
  credentials?: ExpiringCredential[];
}): HomeSources {
  const cards = new Map((data.cards ?? []).map((c) => [c.jobId, c]));
  const environments = { staging: env(), prod: env(['U0CAROL', 'S0LEADS']), secret: env() };
  const groups = { membersOf: async (id: string) => new Set(id === 'S0LEADS' ? ['U0DAVE'] : []) };
  return {
    policy: createAccessPolicy({
      config: {
        admins: ['U0ADMIN'],
        roles: { staging: { viewer: ['*'] }, prod: { viewer: ['*'], approver: ['S0LEADS'] }, secret: { deployer: ['U0SRE'] } },
        channels: {},
        team: { id: 'T0' },
        rateLimit: { perMinute: 20 },
      },
      environments: Object.keys(environments),
      groups,
    }),
    groups,
    environments,
    approvals: { listPending: async () => data.approvals ?? [] },
    cards: { cardOf: async (id) => ({ ...(cards.has(id) && { card: cards.get(id)! }), thread: { channelId: 'C0PROD', ts: '1700000000.000100' } }) },
    userJobs: { recent: async (_user, limit) => (data.userJobs ?? []).slice(0, limit) },
    deploys: { latest: async () => data.deploys ?? [] },
    notices: { notice: async () => undefined },
    credentials: {
      snapshots: { latest: async () => (data.credentials ? { scannedAt: now.toISOString(), withinDays: 30, credentials: data.credentials } : undefined) },
      withinDays: 30,
    },
  };
}

const deploy = (environment: string, name: string, at = now.toISOString()): DeployRecord => ({
  jobId: `jdeploy${name}`,
  image: `r.azurecr.io/${name}@sha256:${'a'.repeat(64)}`,
  loginServer: 'r.azurecr.io',
  repository: name,
  digest: `sha256:${'a'.repeat(64)}`,
  at,
  requesterId: 'U0BOB',
  environment,
  target: { subscriptionId: 's', resourceGroup: 'rg', location: 'westeurope', name },
});

describe('the App Home model', () => {
  it('lists a request for its approvers (groups included), never for its requester or who already approved it', async () => {
    const s = sources({
      approvals: [approval('j1'), approval('j2', { approvals: [{ userId: 'U0CAROL', at: now.toISOString() }] })],
      cards: [card('j1', { status: 'awaiting_approval' }), card('j2', { status: 'awaiting_approval' })],
    });
    const ids = async (userId: string) => (await buildHomeModel(s, { userId, teamId: 'T0' }, now)).approvals.items.map((a) => a.card.jobId);
    expect(await ids('U0CAROL')).toEqual(['j1']);
    expect(await ids('U0DAVE')).toEqual(['j1', 'j2']);
    expect(await ids('U0BOB')).toEqual([]);
    expect(await ids('U0ALICE')).toEqual([]);
    expect(await ids('U0ADMIN')).toEqual([]); // an admin is not an approver unless listed
  });

  it('shows a confirmation only to its requester, and nothing in an environment the person cannot view', async () => {
    const s = sources({
      approvals: [
        approval('jc', { mode: 'confirm', required: 1 }),
        approval('js', { environment: 'secret', requesterId: 'U0SRE', mode: 'confirm', required: 1 }),
      ],
      cards: [card('jc'), card('js', { environment: 'secret', requesterId: 'U0SRE' })],
    });
    expect((await buildHomeModel(s, { userId: 'U0BOB', teamId: 'T0' }, now)).approvals.items.map((a) => a.card.jobId)).toEqual(['jc']);
    expect((await buildHomeModel(s, { userId: 'U0CAROL', teamId: 'T0' }, now)).approvals.items).toEqual([]);
    expect((await buildHomeModel(s, { userId: 'U0SRE', teamId: 'T0' }, now)).approvals.items.map((a) => a.card.jobId)).toEqual(['js']);
  });

  it('keeps a person’s own jobs (running apart from finished), their visible environments’ deploys, and credentials for admins only', async () => {
    const s = sources({
      cards: [
        card('jrun', { status: 'running' }),
        card('jdone'),
        card('jsecret', { environment: 'secret' }),
        card('jother', { requesterId: 'U0ALICE' }),
        card('jrot', { environment: 'entra-id' }),
      ],
      userJobs: ['jrun', 'jdone', 'jsecret', 'jother', 'jrot'],
      deploys: [deploy('prod', 'web'), deploy('secret', 'vault'), deploy('staging', 'api')],
      credentials: [
        { appId: 'a', appName: 'pipeline', keyId: 'k', endDateTime: new Date(now.getTime() + 5 * 86_400_000 + 1000).toISOString(), daysLeft: 9, threshold: 7 },
      ],
    });
    const bob = await buildHomeModel(s, { userId: 'U0BOB', teamId: 'T0' }, now);
    expect(bob.running.items.map((j) => j.card.jobId)).toEqual(['jrun']);
    expect(bob.recent.items.map((j) => j.card.jobId)).toEqual(['jdone']);
    expect(bob.deploys.map((e) => [e.name, e.groups.items.map((g) => g.group)])).toEqual([
      ['staging', ['api']],
      ['prod', ['web']],
    ]);
    expect(bob.credentials).toBeUndefined();
    expect(await buildHomeModel(s, { userId: 'U0BOB', teamId: 'T0OTHER' }, now)).toMatchObject({ deploys: [], running: { items: [] } });
    const admin = await buildHomeModel(s, { userId: 'U0ADMIN', teamId: 'T0' }, now);
    expect(admin.deploys.map((e) => e.name)).toEqual(['staging', 'prod', 'secret']);
    // Days left as of now, not as of the scan.
    expect(admin.credentials?.items.map((c) => c.daysLeft)).toEqual([5]);
  });
});

describe('the App Home view', () => {
  it('stays within Slack’s limits (100 blocks, text lengths) with far more than it can show, and says how many more there are', async () => {
    const statuses: JobStatus[] = ['running', 'queued', 'succeeded', 'failed'];
    const many = Array.from({ length: 60 }, (_, i) => `j${String(i).padStart(12, '0')}`);
    const environments = Array.from({ length: 40 }, (_, i) => `env${i}`);
    const s = sources({
      approvals: many.map((id) => approval(id)),
      cards: many.map((id, i) => card(id, { requesterId: 'U0CAROL', status: statuses[i % 4]!, actionSubject: `Deploy ${'y'.repeat(300)}` })),
      userJobs: many,
      credentials: Array.from({ length: 200 }, (_, i) => ({
        appId: `app${i}`,
        appName: `app-${'n'.repeat(100)}-${i}`,
        keyId: `k${i}`,
        endDateTime: now.toISOString(),
        daysLeft: 0,
        threshold: 1,
      })),
    });
    s.environments = Object.fromEntries([...Object.entries(s.environments), ...environments.map((e) => [e, env(['U0CAROL'])])]);
    s.deploys = { latest: async () => environments.flatMap((e) => Array.from({ length: 40 }, (_, g) => deploy(e, `group-${'g'.repeat(60)}-${g}`))) };
    s.notices = { notice: async () => md`Approved: job ${'z'.repeat(4000)} goes ahead.` };
    s.policy = createAccessPolicy({
      config: { admins: ['U0CAROL'], roles: {}, channels: {}, rateLimit: { perMinute: 20 } },
      environments: Object.keys(s.environments),
      groups: s.groups,
    });
    const model = await buildHomeModel(s, { userId: 'U0CAROL', teamId: 'T0' }, now);
    expect(model.approvals).toMatchObject({ more: 60 - homeLimits.approvals });
    const view = renderHome(model, { workspaceUrl: 'https://contoso.slack.com/' });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(blockProblems(view.blocks, '/view/blocks')).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain(`…and ${60 - homeLimits.approvals} more`);
    expect(text).toContain('more.');
  });

  it('escapes what people and Azure wrote, and offers the card’s own decision buttons with their confirmation', async () => {
    const s = sources({ approvals: [approval('j1')], cards: [card('j1', { status: 'awaiting_approval', actionSubject: 'Deploy web to prod' })] });
    const view = renderHome(await buildHomeModel(s, { userId: 'U0CAROL', teamId: 'T0' }, now), { workspaceUrl: 'https://contoso.slack.com/' });
    const text = JSON.stringify(view.blocks);
    expect(text).not.toContain('<@U0EVIL>');
    const actions = view.blocks.find((b) => b.block_id === 'approval-actions-j1') as { elements: { action_id: string; value: string; confirm?: unknown }[] };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['approval.approve', 'j1'],
      ['approval.reject', 'j1'],
    ]);
    expect(actions.elements[0]!.confirm).toBeDefined();
    expect(text).toContain('https://contoso.slack.com/archives/C0PROD/p1700000000000100|Deploy web to prod');
  });
});
