import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMANDS_PER_MINUTE, rateLimitMessage } from '../../../../src/core/access/rate-limit.ts';
import { channelMention } from '../../../../src/core/access/refusal-message.ts';
import {
  expandRoles,
  isRole,
  mayRunSomewhere,
  requiredRole,
  requirementFor,
  rolesGiving,
  satisfies,
  UNLISTED_ACTION,
} from '../../../../src/core/access/roles.ts';

describe('role implications', () => {
  it.each([
    [[], []],
    [['viewer'], ['viewer']],
    [['builder'], ['viewer', 'builder']],
    [['deployer'], ['viewer', 'deployer']],
    [
      ['approver', 'builder'],
      ['viewer', 'builder', 'approver'],
    ],
    [['admin'], ['viewer', 'builder', 'deployer', 'approver', 'admin']],
  ] as const)('%j expands to %j', (granted, expanded) => {
    expect(expandRoles(granted)).toEqual(expanded);
  });

  it('only admin implies another non-viewer role', () => {
    expect(satisfies(['deployer'], 'builder')).toBe(false);
    expect(satisfies(['approver'], 'deployer')).toBe(false);
    expect(satisfies(['admin'], 'approver')).toBe(true);
  });

  it('knows which grants give a role', () => {
    expect(rolesGiving('viewer')).toEqual(['viewer', 'builder', 'deployer', 'approver', 'admin']);
    expect(rolesGiving('deployer')).toEqual(['deployer', 'admin']);
  });

  it('recognises role names', () => {
    expect(isRole('deployer')).toBe(true);
    expect(isRole('deployers')).toBe(false);
  });
});

describe('requirementFor', () => {
  it.each([
    ['acr.build', 'builder'],
    ['ops.job', 'viewer'],
    ['ops.audit', 'admin'],
    ['aci.deploy', 'deployer'],
    ['aci.delete', 'deployer'],
    ['aci.list', 'viewer'],
    ['approval.decide', 'approver'],
    ['sp.rotate', 'admin'],
    ['sp.secret.rotate', 'admin'],
    ['acr.token.create', 'admin'],
    ['acr.replication.delete', 'admin'],
  ])('%s needs %s', (action, role) => {
    expect(requirementFor(action)).toMatchObject({ kind: 'role', role });
  });

  it('lets anyone see help and whoami', () => {
    expect(requirementFor('ops.help').kind).toBe('anyone');
    expect(requirementFor('ops.whoami').kind).toBe('anyone');
  });

  it('asks builder for your own job and admin for anyone else’s', () => {
    expect(requirementFor('job.cancel')).toMatchObject({ kind: 'owner-or', owner: 'builder', others: 'admin' });
  });

  it('fails closed on unlisted actions, prefix look-alikes and prototype keys', () => {
    expect(requirementFor('aci.frobnicate')).toBe(UNLISTED_ACTION);
    expect(requirementFor('spx.rotate')).toBe(UNLISTED_ACTION);
    expect(requirementFor('constructor')).toBe(UNLISTED_ACTION);
    expect(requirementFor('__proto__')).toBe(UNLISTED_ACTION);
    expect(UNLISTED_ACTION).toMatchObject({ kind: 'role', role: 'admin' });
  });

  it('has a sentence fragment for every entry', () => {
    for (const requirement of Object.values(requiredRole)) expect(requirement.what).toMatch(/^[a-z]/);
  });
});

describe('mayRunSomewhere (for help)', () => {
  const roles = { dev: ['viewer', 'builder'] as const, prod: ['viewer'] as const };
  it.each([
    ['ops.help', true],
    ['ops.whoami', true],
    ['ops.job', true],
    ['acr.build', true],
    ['job.cancel', true],
    ['aci.deploy', false],
    ['ops.audit', false],
    ['sp.rotate', false],
  ])('%s → %s', (action, expected) => {
    expect(mayRunSomewhere({ dev: [...roles.dev], prod: [...roles.prod] }, action)).toBe(expected);
  });

  it('shows nothing but anyone-commands to someone without roles', () => {
    expect(mayRunSomewhere({}, 'ops.job')).toBe(false);
    expect(mayRunSomewhere({}, 'ops.help')).toBe(true);
  });
});

describe('small renderings', () => {
  it('links valid channel ids and escapes anything else', () => {
    expect(channelMention('C0PROD').mrkdwn).toBe('<#C0PROD>');
    expect(channelMention('<!channel>').mrkdwn).toBe('&lt;!channel&gt;');
  });

  it('words the rate-limit reply with the limit and the wait', () => {
    expect(rateLimitMessage({ allowed: false, retryAfterSeconds: 12 }).mrkdwn).toBe(
      `:hourglass_flowing_sand: Easy there: that's more than ${DEFAULT_COMMANDS_PER_MINUTE} commands in a minute, so this one wasn't run. Try again in 12 seconds.`,
    );
    expect(rateLimitMessage({ allowed: false, retryAfterSeconds: 0.2 }, 5).mrkdwn).toContain('more than 5 commands in a minute');
    expect(rateLimitMessage({ allowed: false, retryAfterSeconds: 0.2 }, 5).mrkdwn).toContain('Try again in 1 second.');
  });
});
