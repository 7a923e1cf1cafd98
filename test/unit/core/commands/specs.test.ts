import { describe, expect, it } from 'vitest';
import { requiredRole } from '../../../../src/core/access/roles.ts';
import { COMMAND_SPECS, helpText, parseCommand, routeCommand } from '../../../../src/core/commands/index.ts';
import { commandHandlers } from '../../../../src/slack/listeners/slash-commands.ts';

describe('command specs', () => {
  it.each(COMMAND_SPECS.map((spec) => [`${spec.command} ${spec.words.join(' ')}`, spec] as const))(
    '%s declares its help line, usage, action and who may run it',
    (_name, spec) => {
      expect(spec.help).toMatch(new RegExp(`${spec.command}`));
      expect(spec.usage).toContain(`${spec.command} ${spec.words[0]}`);
      expect(spec.action).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
      expect(spec.requires.what).toMatch(/^[a-z]/);
    },
  );

  it.each(COMMAND_SPECS.map((spec) => [spec.action, spec] as const))('%s is answered: by a Slack handler or by its declared query', (action, spec) => {
    expect(spec.query !== undefined || commandHandlers[action] !== undefined).toBe(true);
  });

  it('declares each action once, and the role table is the specs’ requirements', () => {
    const actions = COMMAND_SPECS.map((spec) => spec.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const spec of COMMAND_SPECS) expect(requiredRole[spec.action]).toBe(spec.requires);
  });

  it('lists every subcommand in /ops help, from the specs', () => {
    const text = helpText();
    for (const word of [
      '/acr build',
      '/acr task',
      '/acr token',
      '/acr replication',
      '/acr runs',
      '/acr cancel',
      '/acr repository',
      '/aci create',
      '/aci list',
      '/sp expiring',
      '/ops job',
      '/ops audit',
      '/ops whoami',
      '/aci promote',
      '/acr promote',
      '/acr task subscribe|unsubscribe',
    ]) {
      expect(text).toContain(word);
    }
    expect(parseCommand('/ops', 'help')).toMatchObject({ kind: 'help', usage: text });
  });
});

describe('/aci promote, /acr promote and /acr task subscribe|unsubscribe (merged from main as specs)', () => {
  it('route to their own spec, with their own action and requirement', () => {
    expect(routeCommand('/aci', 'promote -n web --from dev --to prod').spec).toMatchObject({
      action: 'aci.promote',
      requires: { kind: 'role', role: 'deployer' },
    });
    expect(routeCommand('/acr', 'promote --image web:v1 --from dev --to prod').spec).toMatchObject({
      action: 'acr.promote',
      requires: { kind: 'role', role: 'builder' },
    });
    expect(routeCommand('/acr', 'task subscribe --name buildwebapp').spec).toMatchObject({
      action: 'acr.task.subscribe',
      requires: { kind: 'role', role: 'builder' },
    });
    expect(routeCommand('/acr', 'Task Unsubscribe --name buildwebapp').parsed).toStrictEqual({ kind: 'acr.task.unsubscribe', name: 'buildwebapp' });
  });

  it('names the new verbs for an unknown one, and shows their own usage for help', () => {
    expect(() => parseCommand('/acr', 'task frob')).toThrow('Unknown "frob": /acr task create, list, show, run, delete, subscribe or unsubscribe.');
    expect(parseCommand('/acr', 'task subscribe --help')).toMatchObject({
      kind: 'help',
      topic: '/acr task',
      usage: expect.stringContaining('/acr task subscribe --name NAME'),
    });
    expect(() => parseCommand('/acr', 'task unsubscribe --name buildwebapp --channel C0123ABC')).toThrow(/--channel/);
  });
});

describe('/acr replication show (the worked example in CONTRIBUTING.md)', () => {
  it('parses the location as ARM spells it, and the environment', () => {
    expect(parseCommand('/acr', 'replication show --location "Japan East" --env prod')).toStrictEqual({
      kind: 'acr.replication.show',
      location: 'japaneast',
      environment: 'prod',
    });
    expect(parseCommand('/acr', 'Replication SHOW -l westeurope')).toStrictEqual({ kind: 'acr.replication.show', location: 'westeurope' });
  });

  it('asks for the location, and refuses stray words', () => {
    expect(() => parseCommand('/acr', 'replication show')).toThrow(/Give the location with --location/);
    expect(() => parseCommand('/acr', 'replication show japaneast')).toThrow(/Unexpected "japaneast": give the location with --location/);
  });

  it('shows the group’s usage for help and names the verbs for an unknown one', () => {
    expect(parseCommand('/acr', 'replication show --help')).toMatchObject({ kind: 'help', topic: '/acr replication' });
    expect(() => parseCommand('/acr', 'replication frob')).toThrow('Unknown "frob": /acr replication create, list, delete or show.');
  });
});
