import { describe, expect, it } from 'vitest';
import { actionMatches, matchesAuditFilter } from '../../../src/audit/index.ts';
import type { AuditEvent, AuditFilter } from '../../../src/core/audit.ts';

describe('actionMatches', () => {
  it.each<[string, string, boolean]>([
    ['command.aci.deploy', 'deploy', true],
    ['command.aci.deploy', 'aci', true],
    ['command.aci.deploy', 'command', true],
    ['command.aci.deploy', 'aci.deploy', true],
    ['command.aci.deploy', 'command.aci.deploy', true],
    ['command.aci.deploy', 'Command.ACI', true],
    ['approval.granted', 'approval', true],
    ['command.aci.deploy', 'dep', false],
    ['command.aci.deploy', 'deploy.aci', false],
    ['command.aci.deploy', 'command.deploy', false],
    ['command.aci.deploy', 'command.aci.deploy.now', false],
    ['command.acr.rebuild', 'build', false],
    ['command.acr.build', '', false],
  ])('%s with %j: %s', (action, wanted, expected) => {
    expect(actionMatches(action, wanted)).toBe(expected);
  });
});

describe('matchesAuditFilter', () => {
  const event: AuditEvent = { at: '2024-06-10T12:00:00.000Z', actor: 'U0ALICE1', action: 'command.acr.build', outcome: 'accepted', environment: 'prod' };

  it.each<[string, AuditFilter, boolean]>([
    ['an empty filter', {}, true],
    ['the actor', { actor: 'U0ALICE1' }, true],
    ['another actor', { actor: 'U0BOB123' }, false],
    ['the environment', { environment: 'prod' }, true],
    ['another environment', { environment: 'dev' }, false],
    ['the action', { action: 'build' }, true],
    ['another action', { action: 'deploy' }, false],
    ['all matching', { actor: 'U0ALICE1', environment: 'prod', action: 'acr' }, true],
    ['one of three not matching', { actor: 'U0ALICE1', environment: 'dev', action: 'acr' }, false],
    // since is the adapter's id range, not checked here.
    ['since, ignored', { since: new Date('2030-01-01') }, true],
  ])('%s → %s', (_name, filter, expected) => {
    expect(matchesAuditFilter(event, filter)).toBe(expected);
  });

  it('does not match an event without environment against an environment filter', () => {
    const { environment: _omit, ...withoutEnv } = event;
    expect(matchesAuditFilter(withoutEnv, { environment: 'prod' })).toBe(false);
  });
});
