import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { accessSchema } from '../../../../src/core/access/access-config.ts';
import { createAccessPolicy, type AccessDecision, type AccessRequest } from '../../../../src/core/access/access-policy.ts';
import { ROLES, type Role } from '../../../../src/core/access/roles.ts';
import { FakeGroupMembers } from '../../../fakes/index.ts';

// The contract example, plus a per-environment admin, a direct user grant, one environment
// with no roles at all (sandbox) and one with a grant per role (matrix).
const config = accessSchema.parse(
  parseYaml(`
admins: [U01ADMIN]
roles:
  dev:  { builder: [S0DEVS], deployer: [S0DEVS], viewer: ["*"] }
  prod: { builder: [S0DEVS], deployer: [S0SRE], approver: [S0LEADS], viewer: [S0DEVS], admin: [U0PRODADM] }
  stage: { builder: [U0CAROL], deployer: [S0BROKEN] }
  matrix: { viewer: [U0VIEWER], builder: [U0BUILDER], deployer: [U0DEPLOYER], approver: [U0APPROVER], admin: [U0ENVADMIN] }
channels: { prod: [C0PROD] }
team: { id: T0OURS, appId: A0OURS }
`),
);
const environments = ['dev', 'prod', 'stage', 'matrix', 'sandbox'];

function makePolicy(admins?: string[]) {
  const groups = new FakeGroupMembers({ S0DEVS: ['U0DEV'], S0SRE: ['U0SRE'], S0LEADS: ['U0LEAD'] });
  groups.fail('S0BROKEN');
  const policy = createAccessPolicy({ config: admins ? { ...config, admins } : config, groups, environments });
  return { policy, groups };
}

function request(userId: string, action: string, environment?: string, extra: Partial<AccessRequest> = {}): AccessRequest {
  return {
    userId,
    teamId: 'T0OURS',
    apiAppId: 'A0OURS',
    channelId: environment === 'prod' ? 'C0PROD' : 'C0DEV',
    action,
    ...(environment === undefined ? {} : { environment }),
    ...extra,
  };
}

type Expect = 'allow' | `missing ${Role}` | 'channel' | 'foreign';

function summary(d: AccessDecision): Expect {
  if (d.allowed) return 'allow';
  if (d.reason === 'missing_role') return `missing ${d.missingRole!}`;
  return d.reason === 'channel_not_allowed' ? 'channel' : 'foreign';
}

describe('createAccessPolicy: who may do what, where', () => {
  // [case, user, action, environment, extra request fields, expected]
  const table: [string, string, string, string | undefined, Partial<AccessRequest>, Expect][] = [
    // "*" and groups
    ['"*" makes everyone a viewer of dev', 'U0NOBODY', 'ops.job', 'dev', {}, 'allow'],
    ['"*" as viewer does not make you a builder', 'U0NOBODY', 'acr.build', 'dev', {}, 'missing builder'],
    ['a group grants builder in dev', 'U0DEV', 'acr.build', 'dev', {}, 'allow'],
    ['a group grants deployer in dev', 'U0DEV', 'aci.deploy', 'dev', {}, 'allow'],
    ['dev roles do not carry over to prod', 'U0DEV', 'aci.deploy', 'prod', {}, 'missing deployer'],
    ['the SRE group deploys to prod', 'U0SRE', 'aci.deploy', 'prod', {}, 'allow'],
    ['"*" is per environment: nobody is a prod viewer', 'U0NOBODY', 'ops.job', 'prod', {}, 'missing viewer'],
    // implications: any role gives viewer, nothing else
    ['deployer implies viewer', 'U0SRE', 'aci.logs', 'prod', {}, 'allow'],
    ['deployer does not imply builder', 'U0SRE', 'acr.build', 'prod', {}, 'missing builder'],
    ['deployer does not imply approver', 'U0SRE', 'approval.decide', 'prod', {}, 'missing approver'],
    ['approver decides approvals', 'U0LEAD', 'approval.decide', 'prod', {}, 'allow'],
    ['approver does not imply deployer', 'U0LEAD', 'aci.deploy', 'prod', {}, 'missing deployer'],
    ['a direct user id grant works', 'U0CAROL', 'acr.build', 'stage', {}, 'allow'],
    ['a direct builder grant implies viewer', 'U0CAROL', 'ops.job', 'stage', {}, 'allow'],
    ['a user not granted in stage is refused', 'U0DEV', 'acr.build', 'stage', {}, 'missing builder'],
    // admins
    ['an admin may do anything in prod', 'U01ADMIN', 'sp.rotate', 'prod', {}, 'allow'],
    ['an admin may deploy in an environment with no roles', 'U01ADMIN', 'aci.deploy', 'sandbox', {}, 'allow'],
    ['an admin reads the audit log (no environment)', 'U01ADMIN', 'ops.audit', undefined, {}, 'allow'],
    ['a prod admin manages prod credentials', 'U0PRODADM', 'sp.rotate', 'prod', {}, 'allow'],
    ['a prod admin deploys to prod (admin ⊇ everything)', 'U0PRODADM', 'aci.deploy', 'prod', {}, 'allow'],
    ['a prod admin is nothing in dev beyond "*"', 'U0PRODADM', 'sp.rotate', 'dev', {}, 'missing admin'],
    ['a prod admin is not a global admin', 'U0PRODADM', 'ops.audit', undefined, {}, 'missing admin'],
    // deny by default
    ['no roles for an environment: only admins', 'U0DEV', 'ops.job', 'sandbox', {}, 'missing viewer'],
    ['a role action without an environment: only admins', 'U0DEV', 'acr.build', undefined, {}, 'missing builder'],
    ['an unlisted action needs admin', 'U0DEV', 'aci.frobnicate', 'dev', {}, 'missing admin'],
    ['an action named like an Object.prototype key needs admin', 'U0DEV', 'constructor', 'dev', {}, 'missing admin'],
    ['an environment named like an Object.prototype key has no roles', 'U0DEV', 'ops.job', 'constructor', {}, 'missing viewer'],
    ['sp.* needs admin', 'U0DEV', 'sp.secret.rotate', 'dev', {}, 'missing admin'],
    ['acr.token.* needs admin', 'U0DEV', 'acr.token.create', 'dev', {}, 'missing admin'],
    ['acr.replication.delete needs admin', 'U0DEV', 'acr.replication.delete', 'dev', {}, 'missing admin'],
    ['audit needs admin', 'U0DEV', 'ops.audit', undefined, {}, 'missing admin'],
    ['an unreadable group grants nothing (fail closed)', 'U0DEV', 'aci.deploy', 'stage', {}, 'missing deployer'],
    // anyone in the workspace
    ['whoami is for anyone', 'U0NOBODY', 'ops.whoami', undefined, {}, 'allow'],
    ['help is for anyone', 'U0NOBODY', 'ops.help', undefined, {}, 'allow'],
    // owner-or: job.cancel
    ['a builder cancels their own job', 'U0DEV', 'job.cancel', 'dev', { ownerId: 'U0DEV' }, 'allow'],
    ["a builder may not cancel someone else's job", 'U0DEV', 'job.cancel', 'dev', { ownerId: 'U0CAROL' }, 'missing admin'],
    ['a job with no known owner needs admin', 'U0DEV', 'job.cancel', 'dev', {}, 'missing admin'],
    ['a non-builder may not cancel even their own job', 'U0NOBODY', 'job.cancel', 'dev', { ownerId: 'U0NOBODY' }, 'missing builder'],
    ["an admin cancels anyone's job", 'U01ADMIN', 'job.cancel', 'dev', { ownerId: 'U0DEV' }, 'allow'],
    // channel limits, for everyone
    ['prod from another channel is refused', 'U0SRE', 'aci.deploy', 'prod', { channelId: 'C0DEV' }, 'channel'],
    ['prod with no channel (a modal) is refused', 'U0SRE', 'aci.deploy', 'prod', { channelId: undefined }, 'channel'],
    ['prod reads are channel-limited too', 'U0SRE', 'ops.job', 'prod', { channelId: 'C0DEV' }, 'channel'],
    ['admins obey channel limits', 'U01ADMIN', 'aci.deploy', 'prod', { channelId: 'C0DEV' }, 'channel'],
    ['a missing role is reported before a wrong channel', 'U0NOBODY', 'aci.deploy', 'prod', { channelId: 'C0DEV' }, 'missing deployer'],
    ['environments without limits accept any channel', 'U0DEV', 'acr.build', 'dev', { channelId: 'D0DM' }, 'allow'],
    ['whoami is not channel-limited', 'U0SRE', 'ops.whoami', undefined, { channelId: 'C0ELSEWHERE' }, 'allow'],
    // workspace and app
    ['another workspace is refused', 'U0DEV', 'acr.build', 'dev', { teamId: 'T0EVIL' }, 'foreign'],
    ['another app is refused', 'U0DEV', 'acr.build', 'dev', { apiAppId: 'A0EVIL' }, 'foreign'],
    ['a missing app id is refused when one is configured', 'U0DEV', 'acr.build', 'dev', { apiAppId: undefined }, 'foreign'],
    ['an admin id from another workspace is refused', 'U01ADMIN', 'sp.rotate', 'prod', { teamId: 'T0EVIL' }, 'foreign'],
    ['even help is refused to another workspace', 'U0NOBODY', 'ops.help', undefined, { teamId: 'T0EVIL' }, 'foreign'],
  ];

  it.each(table)('%s', async (_name, user, action, environment, extra, expected) => {
    const { policy } = makePolicy();
    expect(summary(await policy.check(request(user, action, environment, extra)))).toBe(expected);
  });
});

describe('role × action (one user per role in "matrix")', () => {
  const viewing = ['ops.job', 'aci.show', 'aci.logs', 'aci.list'];
  const allowed: Record<Role, readonly string[]> = {
    viewer: viewing,
    builder: [...viewing, 'acr.build'],
    deployer: [...viewing, 'aci.deploy', 'aci.restart', 'aci.stop', 'aci.start', 'aci.delete'],
    approver: [...viewing, 'approval.decide'],
    admin: ['*'],
  };
  const users: Record<Role, string> = { viewer: 'U0VIEWER', builder: 'U0BUILDER', deployer: 'U0DEPLOYER', approver: 'U0APPROVER', admin: 'U0ENVADMIN' };
  const actions = [
    ...viewing,
    'acr.build',
    'aci.deploy',
    'aci.restart',
    'aci.stop',
    'aci.start',
    'aci.delete',
    'approval.decide',
    'sp.create',
    'acr.token.delete',
    'acr.replication.delete',
    'ops.audit',
  ];
  const rows = ROLES.flatMap((role) => actions.map((action) => [role, action, allowed[role].includes('*') || allowed[role].includes(action)] as const));

  it.each(rows)('%s → %s: allowed %s', async (role, action, expected) => {
    const { policy } = makePolicy();
    const decision = await policy.check(request(users[role], action, 'matrix'));
    expect(decision.allowed).toBe(expected);
  });
});

describe('refusal messages', () => {
  it('name the missing role, the environment and the admins who grant it', async () => {
    const { policy } = makePolicy(['U01ADMIN', 'U02ADMIN']);
    const d = await policy.check(request('U0DEV', 'aci.deploy', 'prod'));
    expect(d).toMatchObject({ allowed: false, reason: 'missing_role', missingRole: 'deployer', environment: 'prod' });
    if (d.allowed) return;
    expect(d.message.mrkdwn).toBe(
      ':lock: You need the *deployer* role in *prod* to deploy containers. Roles are granted by the admins listed in chatops.yaml (access.admins): <@U01ADMIN>, <@U02ADMIN>.',
    );
  });

  it("say when the job is someone else's", async () => {
    const { policy } = makePolicy();
    const d = await policy.check(request('U0DEV', 'job.cancel', 'dev', { ownerId: 'U0CAROL' }));
    expect(!d.allowed && d.message.mrkdwn).toContain('You need the *admin* role in *dev* to cancel jobs that someone else started.');
  });

  it('leave the environment out for environment-less actions', async () => {
    const { policy } = makePolicy();
    const d = await policy.check(request('U0DEV', 'ops.audit'));
    expect(!d.allowed && d.message.mrkdwn).toContain('You need the *admin* role to read the audit log.');
  });

  it('say so when no admins are configured', async () => {
    const { policy } = makePolicy([]);
    const d = await policy.check(request('U0DEV', 'aci.deploy', 'prod'));
    expect(!d.allowed && d.message.mrkdwn).toContain('No admins are listed in chatops.yaml (access.admins) yet');
  });

  it('say that a group could not be checked, without pinging it', async () => {
    const { policy } = makePolicy();
    const d = await policy.check(request('U0DEV', 'aci.deploy', 'stage'));
    expect(d.allowed).toBe(false);
    if (d.allowed) return;
    expect(d.message.mrkdwn).toContain("I couldn't check the members of Slack user group S0BROKEN just now");
    expect(d.message.mrkdwn).not.toContain('subteam');
  });

  it('do not mention an unreadable group that would not have given the role', async () => {
    const { policy } = makePolicy();
    // S0BROKEN grants deployer in stage; builder is what is missing.
    const d = await policy.check(request('U0NOBODY', 'acr.build', 'stage'));
    expect(!d.allowed && d.message.mrkdwn).not.toContain('S0BROKEN');
  });

  it('link the allowed channels when the channel is wrong', async () => {
    const { policy } = makePolicy();
    const d = await policy.check(request('U0SRE', 'aci.deploy', 'prod', { channelId: 'C0DEV' }));
    expect(d).toMatchObject({ allowed: false, reason: 'channel_not_allowed', environment: 'prod' });
    expect(!d.allowed && d.message.mrkdwn).toContain('*prod* commands are only accepted in <#C0PROD>');
  });

  it('refuse another workspace without naming anyone', async () => {
    const { policy } = makePolicy();
    const d = await policy.check(request('U0DEV', 'acr.build', 'dev', { teamId: 'T0EVIL' }));
    expect(d).toMatchObject({ allowed: false, reason: 'foreign_workspace' });
    expect(!d.allowed && d.message.mrkdwn).not.toContain('<@');
  });
});

describe('allowed decisions', () => {
  it('carry the user’s expanded roles in that environment', async () => {
    const { policy } = makePolicy();
    expect(await policy.check(request('U0DEV', 'acr.build', 'dev'))).toEqual({ allowed: true, roles: ['viewer', 'builder', 'deployer'] });
    expect(await policy.check(request('U01ADMIN', 'ops.audit'))).toEqual({ allowed: true, roles: [...ROLES] });
  });

  it('skip group look-ups for admins', async () => {
    const { policy, groups } = makePolicy();
    await policy.check(request('U01ADMIN', 'aci.deploy', 'prod'));
    expect(groups.calls).toEqual([]);
  });
});

describe('rolesOf', () => {
  it('lists every environment with the user’s expanded roles', async () => {
    const { policy } = makePolicy();
    expect(await policy.rolesOf('U0DEV', 'T0OURS')).toEqual({
      dev: ['viewer', 'builder', 'deployer'],
      prod: ['viewer', 'builder'],
      stage: [],
      matrix: [],
      sandbox: [],
    });
    expect(await policy.rolesOf('U0NOBODY', 'T0OURS')).toEqual({ dev: ['viewer'], prod: [], stage: [], matrix: [], sandbox: [] });
    expect(await policy.rolesOf('U0ENVADMIN', 'T0OURS')).toMatchObject({ matrix: [...ROLES], dev: ['viewer'], prod: [] });
  });

  it('gives admins every role everywhere, sandbox included', async () => {
    const { policy } = makePolicy();
    const roles = await policy.rolesOf('U01ADMIN', 'T0OURS');
    for (const env of environments) expect(roles[env]).toEqual([...ROLES]);
  });

  it('gives nothing to another workspace', async () => {
    const { policy } = makePolicy();
    expect(await policy.rolesOf('U01ADMIN', 'T0EVIL')).toEqual({});
  });

  it('defaults to the environments named in access.roles and access.channels', async () => {
    const policy = createAccessPolicy({ config, groups: new FakeGroupMembers({ S0DEVS: [], S0SRE: [], S0LEADS: [] }) });
    expect(Object.keys(await policy.rolesOf('U0NOBODY', 'T0OURS')).sort()).toEqual(['dev', 'matrix', 'prod', 'stage']);
  });
});

describe('without access.team', () => {
  it('accepts any workspace and app (nothing to compare against)', async () => {
    const policy = createAccessPolicy({ config: { ...config, team: undefined }, groups: new FakeGroupMembers({ S0DEVS: ['U0DEV'] }) });
    const d = await policy.check({ userId: 'U0DEV', teamId: 'T0ANY', action: 'acr.build', environment: 'dev' });
    expect(d.allowed).toBe(true);
  });

  it('with an empty access section, refuses every role action but still answers whoami', async () => {
    const policy = createAccessPolicy({ config: accessSchema.parse(undefined), groups: new FakeGroupMembers() });
    const d = await policy.check({ userId: 'U0DEV', teamId: 'T0ANY', action: 'ops.job', environment: 'dev' });
    expect(d).toMatchObject({ allowed: false, reason: 'missing_role', missingRole: 'viewer' });
    expect((await policy.check({ userId: 'U0DEV', teamId: 'T0ANY', action: 'ops.whoami' })).allowed).toBe(true);
  });
});
