import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { accessSchema, validateAccessReferences } from '../../../../src/core/access/access-config.ts';

const contract = `
admins: [U01ADMIN]
roles:
  dev:  { builder: [S0DEVS], deployer: [S0DEVS], viewer: ["*"] }
  prod: { builder: [S0DEVS], deployer: [S0SRE], approver: [S0LEADS], viewer: [S0DEVS] }
channels: { prod: [C0PROD] }   # optional: prod commands only from these channels
`;

function problems(yaml: string): string[] {
  const result = accessSchema.safeParse(parseYaml(yaml));
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('accessSchema', () => {
  it('reads the contract example, with defaults for team and rateLimit', () => {
    const access = accessSchema.parse(parseYaml(contract));
    expect(access).toEqual({
      admins: ['U01ADMIN'],
      roles: {
        dev: { builder: ['S0DEVS'], deployer: ['S0DEVS'], viewer: ['*'] },
        prod: { builder: ['S0DEVS'], deployer: ['S0SRE'], approver: ['S0LEADS'], viewer: ['S0DEVS'] },
      },
      channels: { prod: ['C0PROD'] },
      rateLimit: { perMinute: 20 },
    });
  });

  it('fills every default for a missing section (deny by default: no admins, no roles)', () => {
    expect(accessSchema.parse(undefined)).toEqual({ admins: [], roles: {}, channels: {}, rateLimit: { perMinute: 20 } });
    expect(accessSchema.parse({ admins: ['U0A1'] })).toMatchObject({ admins: ['U0A1'], roles: {}, rateLimit: { perMinute: 20 } });
  });

  it('reads team and rateLimit', () => {
    const access = accessSchema.parse({ team: { id: 'T0OURS', appId: 'A0OURS' }, rateLimit: { perMinute: 5 } });
    expect(access.team).toEqual({ id: 'T0OURS', appId: 'A0OURS' });
    expect(access.rateLimit.perMinute).toBe(5);
  });

  it.each([
    ['a misspelt role', 'roles: { dev: { deployers: [U0A1] } }', /unknown role "deployers"; the roles are viewer, builder, deployer, approver, admin/],
    ['a misspelt key', 'channel: { prod: [C0PROD] }', /unknown key "channel"; access takes admins, roles, channels, team and rateLimit/],
    ['a user name instead of an id', 'roles: { dev: { builder: ["@alice"] } }', /roles\.dev\.builder\.0: must be a Slack user id/],
    ['a group id among admins', 'admins: [S0DEVS]', /admins\.0: must be a Slack user id/],
    ['"*" among admins', 'admins: ["*"]', /admins\.0/],
    ['a channel name', 'channels: { prod: ["#prod"] }', /channels\.prod\.0: must be a Slack channel id/],
    ['an upper-case environment', 'roles: { Prod: { viewer: ["*"] } }', /roles\.Prod: is not an environment name/],
    ['a zero rate limit', 'rateLimit: { perMinute: 0 }', /rateLimit\.perMinute/],
    ['a bad team id', 'team: { id: "ours" }', /team\.id: must be a Slack team id/],
    ['a bad app id', 'team: { appId: "A" }', /team\.appId: must be a Slack app id/],
  ])('refuses %s', (_name, yaml, expected) => {
    expect(problems(yaml).join('\n')).toMatch(expected);
  });
});

describe('validateAccessReferences', () => {
  it('accepts sections that name known environments', () => {
    expect(validateAccessReferences(accessSchema.parse(parseYaml(contract)), ['dev', 'prod'])).toEqual([]);
  });

  it('names roles and channels of unknown environments, and empty channel lists', () => {
    const access = accessSchema.parse({ roles: { stage: { viewer: ['*'] } }, channels: { prd: ['C0PROD'], dev: [] } });
    expect(validateAccessReferences(access, ['dev', 'prod'])).toEqual([
      'access.roles.stage: names environment "stage", which is not under environments (have: dev, prod); fix the name or remove the entry.',
      'access.channels.prd: names environment "prd", which is not under environments (have: dev, prod); fix the name or remove the entry.',
      'access.channels.dev: is empty, so "dev" commands would be refused in every channel; list the channels or remove the entry.',
    ]);
  });
});
