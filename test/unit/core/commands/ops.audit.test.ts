import { describe, expect, it } from 'vitest';
import { helpText, OPS_USAGE, parseCommand } from '../../../../src/core/commands/index.ts';
import { parseOpsAudit, parseOpsWhoami, type OpsAuditCommand } from '../../../../src/core/commands/ops.ts';
import { OPS_AUDIT_USAGE, OPS_WHOAMI_USAGE } from '../../../../src/core/commands/usage.ts';
import { expectUsageError } from './expect-usage-error.ts';

const H = 3_600_000;
const D = 24 * H;

describe('parseOpsAudit', () => {
  it.each<[string, string[], Omit<OpsAuditCommand, 'kind'>]>([
    ['no flags', [], {}],
    ['a mention', ['--user', '<@U0ALICE1>'], { user: 'U0ALICE1' }],
    ['an enterprise mention', ['--user', '<@W0123ABC>'], { user: 'W0123ABC' }],
    ['a lowercase mention', ['--user', '<@u0alice1>'], { user: 'U0ALICE1' }],
    ['a bare user id', ['--user', 'U0123ABCD'], { user: 'U0123ABCD' }],
    ['an @ before a user id', ['--user=@U0123ABCD'], { user: 'U0123ABCD' }],
    ['an environment', ['--env', 'prod'], { environment: 'prod' }],
    ['an environment in capitals', ['--env', 'PROD'], { environment: 'prod' }],
    ['minutes', ['--since', '30m'], { since: { ms: 30 * 60_000, text: '30m' } }],
    ['hours', ['--since', '24h'], { since: { ms: 24 * H, text: '24h' } }],
    ['days in capitals', ['--since', '7D'], { since: { ms: 7 * D, text: '7d' } }],
    ['weeks', ['--since', '2w'], { since: { ms: 14 * D, text: '2w' } }],
    ['leading zeros', ['--since', '007d'], { since: { ms: 7 * D, text: '7d' } }],
    ['a year', ['--since', '366d'], { since: { ms: 366 * D, text: '366d' } }],
    ['one action word', ['--action', 'deploy'], { action: 'deploy' }],
    ['a dotted action in capitals', ['--action', 'Approval.Granted'], { action: 'approval.granted' }],
    ['a cursor', ['--page', '1718000000000-3'], { cursor: '1718000000000-3' }],
    ['a cursor in backticks', ['--page', '`1718000000000-0`'], { cursor: '1718000000000-0' }],
    [
      'everything at once',
      ['--user', '<@U0ALICE1>', '--env', 'prod', '--since', '24h', '--action', 'deploy', '--page', '5-0'],
      { user: 'U0ALICE1', environment: 'prod', since: { ms: 24 * H, text: '24h' }, action: 'deploy', cursor: '5-0' },
    ],
    ['an em dash from a phone', ['\u2014since', '1h'], { since: { ms: H, text: '1h' } }],
  ])('accepts %s', (_name, tokens, expected) => {
    expect(parseOpsAudit(tokens)).toEqual({ kind: 'ops.audit', ...expected });
  });

  it.each<[string, string[], RegExp | string]>([
    ['a positional word', ['prod'], 'Unexpected "prod": /ops audit takes only options. For example: /ops audit --user @alice --since 24h.'],
    ['a mention without --user', ['<@U0ALICE1>'], 'Unexpected "<@U0ALICE1>": /ops audit takes only options. To filter by person, write --user <@U0ALICE1>.'],
    ['a typed @name', ['--user', '@alice'], /^--user takes a mention \(type @ and pick the person\) or a user id like U0123ABCD, not "@alice"\.$/],
    ['a name that starts like an id', ['--user', 'ursula'], /^--user takes a mention/],
    ['an uppercase name without digits', ['--user', 'WALTER'], /^--user takes a mention/],
    ['a channel mention', ['--user', '<#C0123>'], /^--user takes a mention/],
    ['a group mention', ['--user', '<!subteam^S1>'], /^--user takes a mention/],
    ['a missing user', ['--user'], '--user needs a value, like --user @USER.'],
    ['an invalid environment', ['--env', 'prod_eu'], /^Environment "prod_eu" is invalid/],
    ['a duration without a unit', ['--since', '24'], '--since takes a duration up to a year, like 30m, 24h, 7d or 2w, not "24".'],
    ['an unknown unit', ['--since', '3y'], /^--since takes a duration/],
    ['a zero duration', ['--since', '0h'], /^--since takes a duration/],
    ['over a year', ['--since', '367d'], /^--since takes a duration/],
    ['a negative duration', ['--since=-1h'], /^--since takes a duration/],
    ['a date', ['--since', '2024-06-01'], /^--since takes a duration/],
    ['an action with spaces', ['--action', 'acr build'], /^--action takes an action word/],
    ['an action with a trailing dot', ['--action', 'deploy.'], /^--action takes an action word/],
    ['an action with a wildcard', ['--action', 'command.*'], /^--action takes an action word/],
    ['a malformed cursor', ['--page', 'next'], `"next" isn't a page cursor: use the --page value from the previous reply.`],
    ['a cursor with a range bracket', ['--page', '(1-0'], /isn't a page cursor/],
    ['an unknown flag', ['--usr', 'U0123ABCD'], 'Unknown flag --usr. Did you mean --user?'],
    ['a repeated flag', ['--env', 'dev', '--env', 'prod'], '--env was given more than once; give it once.'],
  ])('refuses %s', (_name, tokens, message) => {
    expectUsageError(() => parseOpsAudit(tokens), message, OPS_AUDIT_USAGE);
  });
});

describe('parseOpsWhoami', () => {
  it('takes nothing', () => {
    expect(parseOpsWhoami([])).toEqual({ kind: 'ops.whoami' });
  });

  it.each([[['me']], [['--verbose']], [['<@U0ALICE1>']]])('refuses %j', (tokens) => {
    expectUsageError(() => parseOpsWhoami(tokens), /^(\/ops whoami takes nothing after it\.|Unknown flag --verbose\.)$/, OPS_WHOAMI_USAGE);
  });
});

describe('/ops audit and /ops whoami through parseCommand', () => {
  it.each<[string, unknown]>([
    ['audit', { kind: 'ops.audit' }],
    ['  Audit  ', { kind: 'ops.audit' }],
    ['whoami', { kind: 'ops.whoami' }],
    ['WhoAmI', { kind: 'ops.whoami' }],
    ['audit --user <@U0ALICE1|alice> --since 24h', { kind: 'ops.audit', user: 'U0ALICE1', since: { ms: 24 * H, text: '24h' } }],
    ['audit --action help', { kind: 'ops.audit', action: 'help' }],
    ['audit --env prod --action deploy', { kind: 'ops.audit', environment: 'prod', action: 'deploy' }],
  ])('/ops %j parses', (text, expected) => {
    expect(parseCommand('/ops', text)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['audit help', '/ops audit', OPS_AUDIT_USAGE],
    ['help audit', '/ops audit', OPS_AUDIT_USAGE],
    ['audit --env prod --help', '/ops audit', OPS_AUDIT_USAGE],
    ['whoami help', '/ops whoami', OPS_WHOAMI_USAGE],
    ['help whoami', '/ops whoami', OPS_WHOAMI_USAGE],
  ])('/ops %j is help about %s', (text, topic, usage) => {
    expect(parseCommand('/ops', text)).toEqual({ kind: 'help', topic, usage });
  });

  it.each<[string, RegExp | string, string]>([
    ['whoami now', '/ops whoami takes nothing after it.', OPS_WHOAMI_USAGE],
    ['audit --since forever', /^--since takes a duration/, OPS_AUDIT_USAGE],
    ['audti', 'Unknown subcommand "audti" for /ops. Did you mean /ops audit?', OPS_USAGE],
    ['whoamii', 'Unknown subcommand "whoamii" for /ops. Did you mean /ops whoami?', OPS_USAGE],
  ])('/ops %j is refused', (text, message, usage) => {
    expectUsageError(() => parseCommand('/ops', text), message, usage);
  });

  it('lists both in the help texts', () => {
    for (const text of [helpText(), OPS_USAGE]) {
      expect(text).toContain('/ops audit');
      expect(text).toContain('/ops whoami');
    }
  });
});
