import { describe, expect, it } from 'vitest';
import { JOB_ID_PATTERN, MAX_COMMAND_TEXT_LENGTH, parseCommand, tokenize, UsageError, type ParsedCommand } from '../../../../src/core/commands/index.ts';

/** mulberry32: a tiny seeded generator, so a failing case can be reproduced from its seed. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Words that steer the parsers into their interesting branches, mixed with raw characters.
const FRAGMENTS = [
  'build',
  'job',
  'help',
  '--help',
  '-h',
  '--',
  '-',
  '-t',
  '--image',
  '-r',
  '--registry',
  '-f',
  '--file',
  '--build-arg',
  '--platform',
  '--no-cache',
  '--timeout',
  '--env',
  '--target',
  '=',
  'web:v1',
  'Web:v1',
  'a=b=c',
  'linux/arm/v7',
  '300',
  '-5',
  '1e3',
  'contosoreg',
  'https://github.com/org/app.git',
  '#main:src',
  '#',
  ':',
  'http://x.io/a.git',
  'https://dev.azure.com/o/p/_git/r',
  'git@github.com:o/r.git',
  '<https://github.com/org/app.git|x>',
  '<@U123|bob>',
  '<!subteam^S1|@x>',
  '<#C1|gen>',
  '&amp;',
  '&lt;',
  '&gt;',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '\\',
  '\u2014',
  '\u2013',
  '{{.Run.ID}}',
  'j0abc12def345',
  'audit',
  'whoami',
  '--user',
  '--since',
  '--action',
  '--page',
  '24h',
  '7d',
  '<@U0ALICE1>',
  'U0123ABCD',
  '1718000000000-0',
  'é',
  '🚀',
  '\ud800',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u00a0',
  '\u200b',
  '\r\n',
  '\t',
  ' ',
  '  ',
];

function randomText(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const parts: string[] = [];
  const count = Math.floor(random() * 14);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.55) parts.push(pick(FRAGMENTS));
    else if (roll < 0.9) parts.push(String.fromCharCode(Math.floor(random() * 0x250)));
    else if (roll < 0.97) parts.push(pick(FRAGMENTS).repeat(1 + Math.floor(random() * 300)));
    else parts.push('x'.repeat(MAX_COMMAND_TEXT_LENGTH - 10 + Math.floor(random() * 20)));
    if (random() < 0.6) parts.push(' ');
  }
  return parts.join('');
}

const VALID = ['build', '-r', 'contosoreg', '-t', 'web:v1', '-f', 'Dockerfile', '<https://github.com/org/app.git#main:src>'];

/** The example command with a few words dropped, swapped, duplicated or replaced by noise. */
function mutatedBuild(random: () => number): string {
  const words = [...VALID];
  const edits = Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (words.length + 1));
    const roll = random();
    if (roll < 0.25) words.splice(at, 1);
    else if (roll < 0.5) words.splice(at, 0, FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!);
    else if (roll < 0.75) words.splice(at, 1, randomText(random));
    else words.splice(at, 0, words[Math.floor(random() * words.length)] ?? '');
  }
  return words.join(random() < 0.8 ? ' ' : '\u00a0');
}

const COMMANDS = ['/acr', '/ops', '/ACR', 'ops', '/deploy', '', ' /acr '];
const CASES = 2000;

/** Checks what a successful parse must always satisfy, whatever the input. */
function checkResult(result: ParsedCommand): void {
  switch (result.kind) {
    case 'help':
      expect(result.usage.length).toBeGreaterThan(0);
      expect(result.topic).toMatch(/^\/(acr|ops)( \w+)?$/);
      break;
    case 'ops.job':
      expect(result.jobId).toMatch(JOB_ID_PATTERN);
      break;
    case 'ops.whoami':
      expect(result).toEqual({ kind: 'ops.whoami' });
      break;
    case 'ops.audit':
      if (result.user !== undefined) expect(result.user).toMatch(/^[UW][A-Z0-9]+$/);
      if (result.environment !== undefined) expect(result.environment).toMatch(/^[a-z0-9-]+$/);
      if (result.since !== undefined) expect(result.since.ms).toBeGreaterThan(0);
      if (result.action !== undefined) expect(result.action).toMatch(/^[a-z0-9.-]+$/);
      if (result.cursor !== undefined) expect(result.cursor).toMatch(/^\d+-\d+$/);
      break;
    case 'acr.build':
      expect(result.images.length).toBeGreaterThan(0);
      for (const image of result.images) expect(image).toMatch(/^[\x21-\x7e]+$/);
      expect(result.source.location).toMatch(/^https:\/\//i);
      if (result.timeoutSeconds !== undefined) expect(result.timeoutSeconds).toBeGreaterThanOrEqual(300);
      break;
    default:
      throw new Error(`unexpected kind in ${JSON.stringify(result)}`);
  }
}

describe('random input', () => {
  it(`parseCommand throws nothing but UsageError for ${CASES} seeded random inputs`, () => {
    const random = createRandom(0xc0ffee);
    const outcomes = { parsed: 0, built: 0, refused: 0 };
    for (let n = 0; n < CASES; n++) {
      const mutate = random() < 0.3;
      const command = mutate ? '/acr' : COMMANDS[Math.floor(random() * COMMANDS.length)]!;
      const text = mutate ? mutatedBuild(random) : randomText(random);
      const context = `case ${n}: ${JSON.stringify([command, text.slice(0, 200)])}`;
      let result: ParsedCommand | undefined;
      try {
        result = parseCommand(command, text);
      } catch (err) {
        expect(err, context).toBeInstanceOf(UsageError);
        const usageError = err as UsageError;
        expect(usageError.message.length, context).toBeGreaterThan(0);
        // Messages are one short sentence without raw control characters, whatever was typed.
        expect(usageError.message.length, context).toBeLessThan(600);
        expect(usageError.message, context).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(usageError.usage.length, context).toBeGreaterThan(0);
        expect(usageError.code).toBe('chatops_usage');
        outcomes.refused++;
        continue;
      }
      checkResult(result);
      // Pure: the same input parses to the same result.
      expect(parseCommand(command, text), context).toEqual(result);
      outcomes.parsed++;
      if (result.kind === 'acr.build') outcomes.built++;
    }
    // Make sure the generator exercises both paths rather than only producing errors.
    expect(outcomes.parsed).toBeGreaterThan(50);
    expect(outcomes.built).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(500);
  });

  it('/ops audit and /ops whoami followed by random words throw nothing but UsageError', () => {
    const random = createRandom(0xa0d17);
    const kinds: Record<string, number> = {};
    for (let n = 0; n < CASES; n++) {
      const text = `${random() < 0.8 ? 'audit' : 'whoami'} ${randomText(random)}`;
      const context = `case ${n}: ${JSON.stringify(text.slice(0, 200))}`;
      try {
        const result = parseCommand('/ops', text);
        checkResult(result);
        kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
      } catch (err) {
        expect(err, context).toBeInstanceOf(UsageError);
        expect((err as UsageError).message, context).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        kinds.refused = (kinds.refused ?? 0) + 1;
      }
    }
    expect(kinds['ops.audit']).toBeGreaterThan(20);
    expect(kinds.refused).toBeGreaterThan(500);
  });

  it('tokenize throws nothing but UsageError and never returns words with unquoted whitespace', () => {
    const random = createRandom(42);
    for (let n = 0; n < CASES; n++) {
      const text = randomText(random);
      let tokens: string[];
      try {
        tokens = tokenize(text);
      } catch (err) {
        expect(err, JSON.stringify(text.slice(0, 200))).toBeInstanceOf(UsageError);
        continue;
      }
      // Without quotes or backslashes, whitespace can only separate words.
      if (!/["'“”‘’\\]/.test(text)) for (const token of tokens) expect(token).not.toMatch(/\s/u);
    }
  });
});
