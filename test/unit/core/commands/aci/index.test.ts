import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACI_CREATE_USAGE, ACI_SPECS, ACI_LIST_USAGE, ACI_LOGS_USAGE, ACI_USAGE, aciLifecycleUsage } from '../../../../../src/core/commands/aci/index.ts';
import { parseAci } from '../../../../../src/core/commands/parse-command.ts';
import { UsageError } from '../../../../../src/core/commands/index.ts';
import { expectUsageError } from '../expect-usage-error.ts';

describe('parseAci help', () => {
  it.each<[string[], string, string]>([
    [[], '/aci', ACI_USAGE],
    [['help'], '/aci', ACI_USAGE],
    [['--help'], '/aci', ACI_USAGE],
    [['HELP', 'nothing'], '/aci', ACI_USAGE],
    [['help', 'create'], '/aci create', ACI_CREATE_USAGE],
    [['-h', 'logs'], '/aci logs', ACI_LOGS_USAGE],
    [['create'], '/aci create', ACI_CREATE_USAGE],
    [['create', 'help'], '/aci create', ACI_CREATE_USAGE],
    [['deploy', '-h'], '/aci create', ACI_CREATE_USAGE],
    [['Create', '-n', 'web', '--help'], '/aci create', ACI_CREATE_USAGE],
    [['show'], '/aci show', aciLifecycleUsage('show')],
    [['delete', 'help'], '/aci delete', aciLifecycleUsage('delete')],
    [['logs'], '/aci logs', ACI_LOGS_USAGE],
    [['list', '--help'], '/aci list', ACI_LIST_USAGE],
  ])('%j is help on %s', (tokens, topic, usage) => {
    expect(parseAci(tokens)).toStrictEqual({ kind: 'help', topic, usage });
  });

  it('takes help as a flag value, not a help request', () => {
    // `--env help` names an environment called help; only a word in a positional slot asks for help.
    expect(parseAci(['show', '-n', 'web', '--env', 'help'])).toStrictEqual({ kind: 'aci.show', name: 'web', environment: 'help' });
  });

  it('gives every subcommand usage that names it', () => {
    for (const spec of ACI_SPECS) expect(spec.usage).toContain(`/aci ${spec.words[0]}`);
    expect(ACI_SPECS.map((s) => s.words[0])).toEqual(['create', 'show', 'restart', 'stop', 'start', 'delete', 'logs', 'list', 'promote']);
  });
});

describe('parseAci unknown subcommands', () => {
  it.each<[string[], RegExp]>([
    [['creat'], /^Unknown subcommand "creat" for \/aci\. Did you mean \/aci create\?$/],
    [['deplyo'], /Did you mean \/aci deploy\?$/],
    [['lgos'], /Did you mean \/aci logs\?$/],
    [['scale'], /^Unknown subcommand "scale" for \/aci\. Try \/aci help\.$/],
    [
      ['--name', 'web'],
      /^Start with a subcommand \(create, show, restart, stop, start, delete, logs, list, promote\) before the flags, e\.g\. \/aci create --name …$/,
    ],
  ])('refuses %j with a suggestion', (tokens, message) => {
    expectUsageError(() => parseAci(tokens), message, ACI_USAGE);
  });
});

// Words that steer the parser into its branches, mixed with arbitrary strings.
const FRAGMENTS = [
  'create',
  'deploy',
  'show',
  'logs',
  'restart',
  'stop',
  'start',
  'delete',
  'list',
  'help',
  '--help',
  '-h',
  '--',
  '-n',
  '--name',
  'web',
  '--image',
  'web:v1',
  'Web:v1',
  '--cpu',
  '0.5',
  '--memory',
  '1.5',
  '--ports',
  '80',
  '0',
  '65536',
  '--protocol',
  'udp',
  '--ip-address',
  'Private',
  '--dns-name-label',
  'contoso-web',
  '--restart-policy',
  'OnFailure',
  '--environment-variables',
  'A=1',
  '=',
  '--secure-environment-variables',
  'B=@kv:b',
  'B=x',
  '@kv:',
  '--command-line',
  'sh -c "x',
  "'",
  '--subnet',
  '--env',
  'prod',
  '--tail',
  '100',
  '--container-name',
  '\u2014image',
  '\u0000',
];

describe('parseAci random input', () => {
  it('throws nothing but UsageError, and parses to JSON-safe, repeatable results', () => {
    const word = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));
    const outcomes = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(word, { maxLength: 14 }), (tokens) => {
        try {
          const result = parseAci(tokens);
          // Job data is JSON: a result must survive the round trip unchanged.
          expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
          expect(parseAci(tokens)).toStrictEqual(result);
          outcomes.parsed++;
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          expect((err as UsageError).usage.length).toBeGreaterThan(0);
          outcomes.refused++;
        }
      }),
      { seed: 0xac1, numRuns: 3000 },
    );
    // Both paths must be exercised, or the property proves little.
    expect(outcomes.parsed).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(1000);
  });

  it('never echoes a literal --secure-environment-variables value', () => {
    // The marker makes an accidental match with the message's own words impossible, and its
    // '!' keeps `DB=@kv:<secret>` from being a valid secret name.
    const secret = fc.string({ maxLength: 20 }).map((s) => `Zq9!${s}`);
    fc.assert(
      fc.property(secret, fc.constantFrom('DB=', '', 'bad name=', 'DB=@kv:'), fc.boolean(), (value, prefix, afterDashes) => {
        const tail = afterDashes ? ['DB=@kv:db', '--', `${prefix}${value}`] : [`${prefix}${value}`];
        let thrown: unknown;
        try {
          parseAci(['create', '-n', 'web', '--image', 'web:v1', '--secure-environment-variables', ...tail]);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(UsageError);
        expect((thrown as UsageError).message).not.toContain(value);
        expect((thrown as UsageError).usage).not.toContain(value);
      }),
      { seed: 0x5ec, numRuns: 1000 },
    );
  });
});
