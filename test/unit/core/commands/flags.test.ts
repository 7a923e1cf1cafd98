import { describe, expect, it } from 'vitest';
import { parseFlags, wantsHelp, type FlagSpec } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

const SPEC = [
  { name: 'image', short: 't', kind: 'string', repeatable: true, valueName: 'REPO:TAG' },
  { name: 'file', short: 'f', kind: 'string' },
  { name: 'no-cache', kind: 'boolean' },
  { name: 'timeout', kind: 'integer', valueName: 'SECONDS' },
  { name: 'build-arg', kind: 'keyValue', repeatable: true },
  { name: 'ports', kind: 'integer', multiple: true },
] as const satisfies readonly FlagSpec[];

const parse = (...tokens: string[]) => parseFlags(tokens, SPEC, 'USAGE');

describe('parseFlags', () => {
  it.each<[string, string[], Record<string, unknown>, string[]]>([
    ['--flag value', ['--file', 'a/Dockerfile'], { file: 'a/Dockerfile' }, []],
    ['--flag=value', ['--file=a/Dockerfile'], { file: 'a/Dockerfile' }, []],
    ['only the first = splits', ['--file=a=b=c'], { file: 'a=b=c' }, []],
    ['an empty inline value', ['--file='], { file: '' }, []],
    ['a short flag', ['-f', 'x'], { file: 'x' }, []],
    ['a short flag with =', ['-f=x'], { file: 'x' }, []],
    ['repeated repeatable flags in order', ['-t', 'a:1', '--image', 'b:2', '-t=c:3'], { image: ['a:1', 'b:2', 'c:3'] }, []],
    ['a bare boolean', ['--no-cache', 'src'], { 'no-cache': true }, ['src']],
    ['a boolean followed by true', ['--no-cache', 'true'], { 'no-cache': true }, []],
    ['a boolean followed by FALSE', ['--no-cache', 'FALSE', 'src'], { 'no-cache': false }, ['src']],
    ['a boolean with =false', ['--no-cache=false'], { 'no-cache': false }, []],
    ['an integer', ['--timeout', '600'], { timeout: 600 }, []],
    ['a negative integer as a value', ['--timeout', '-5'], { timeout: -5 }, []],
    ['a key=value with = in the value', ['--build-arg', 'URL=https://x?a=b'], { 'build-arg': [{ key: 'URL', value: 'https://x?a=b' }] }, []],
    ['a key with an empty value', ['--build-arg', 'EMPTY='], { 'build-arg': [{ key: 'EMPTY', value: '' }] }, []],
    ['a multiple-value flag up to the next flag', ['--ports', '80', '443', '--file', 'f', 'src'], { ports: [80, 443], file: 'f' }, ['src']],
    ['-- ends flags', ['--file', 'f', '--', '--image', '-t'], { file: 'f' }, ['--image', '-t']],
    ['a lone dash as a positional', ['-'], {}, ['-']],
    ['an em dash typed as --', ['\u2014file', 'x'], { file: 'x' }, []],
    ['an en dash typed as -', ['\u2013f', 'x'], { file: 'x' }, []],
    ['positionals around flags', ['a', '-f', 'x', 'b'], { file: 'x' }, ['a', 'b']],
  ])('parses %s', (_name, tokens, values, positionals) => {
    expect(parse(...tokens)).toEqual({ values, positionals });
  });

  it('leaves absent flags out entirely', () => {
    const { values } = parse('x');
    expect(Object.keys(values)).toEqual([]);
  });

  it.each<[string, string[], string]>([
    ['an unknown flag with a suggestion', ['--imgae', 'x'], 'Unknown flag --imgae. Did you mean --image?'],
    ['a prefix of a flag', ['--time', '5'], 'Unknown flag --time. Did you mean --timeout?'],
    ['a mis-cased flag', ['--File', 'x'], 'Unknown flag --File. Did you mean --file?'],
    ['a long name after one dash', ['-image', 'x'], 'Unknown flag -image. Did you mean --image?'],
    ['a mis-cased short flag', ['-T', 'x'], 'Unknown flag -T. Did you mean -t?'],
    ['an unknown short flag, no guess', ['-x'], 'Unknown flag -x.'],
    ['an unknown flag far from any', ['--zzzzzzzz'], 'Unknown flag --zzzzzzzz.'],
    ['a repeated non-repeatable flag', ['-f', 'a', '--file', 'b'], '--file was given more than once; give it once.'],
    ['a repeated boolean', ['--no-cache', '--no-cache'], '--no-cache was given more than once; give it once.'],
    ['a missing value at the end', ['-t'], '--image needs a value, like --image REPO:TAG.'],
    ['a missing value before a flag', ['--file', '--no-cache'], '--file needs a value, like --file VALUE.'],
    ['a missing value before --', ['--file', '--', 'x'], '--file needs a value, like --file VALUE.'],
    ['a multiple flag with no values', ['--ports', '--no-cache'], '--ports needs a value, like --ports VALUE.'],
    ['a bad integer', ['--timeout', 'ten'], '--timeout expects a whole number, not "ten".'],
    ['a decimal', ['--timeout=1.5'], '--timeout expects a whole number, not "1.5".'],
    ['an exponent', ['--timeout', '1e3'], '--timeout expects a whole number, not "1e3".'],
    ['an empty integer', ['--timeout='], '--timeout expects a whole number, not "".'],
    ['a huge integer', ['--timeout', '99999999999999999999'], '--timeout expects a whole number, not "99999999999999999999".'],
    ['a bad multiple value', ['--ports', '80', 'http'], '--ports expects a whole number, not "http".'],
    ['a boolean with a bad value', ['--no-cache=maybe'], '--no-cache takes no value (or true/false), not "maybe".'],
    ['a key=value without =', ['--build-arg', 'FOO'], '--build-arg expects KEY=VALUE, not "FOO".'],
    ['a key=value with an empty key', ['--build-arg', '=x'], '--build-arg expects KEY=VALUE, not "=…".'],
  ])('refuses %s', (_name, tokens, message) => {
    expectUsageError(() => parse(...tokens), message, 'USAGE');
  });

  it('quotes a garbled unknown flag instead of echoing it raw', () => {
    expectUsageError(() => parse('--a\u0000b'), 'Unknown flag "--a\\u0000b".');
  });
});

describe('wantsHelp', () => {
  it.each<[string[], boolean]>([
    [['help'], true],
    [['HELP'], true],
    [['--help'], true],
    [['-h'], true],
    [['-t', 'a:1', 'help'], true],
    [['--no-cache', 'help'], true],
    [['-t', 'help'], false],
    [['--file=help'], false],
    [['--ports', '80', 'help'], false],
    [['--', 'help'], false],
    [['helpful'], false],
    [[], false],
  ])('%j → %s', (tokens, expected) => {
    expect(wantsHelp(tokens, SPEC)).toBe(expected);
  });
});
