import { describe, expect, it } from 'vitest';
import { ACR_BUILD_USAGE, ACR_USAGE, MAX_COMMAND_TEXT_LENGTH, OPS_JOB_USAGE, OPS_USAGE, helpText, parseCommand } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

const GIT = 'https://github.com/org/app.git';

describe('parseCommand', () => {
  it.each<[string, string, string, string]>([
    ['/acr', '', '/acr', ACR_USAGE],
    ['/acr', '   ', '/acr', ACR_USAGE],
    ['/acr', 'help', '/acr', ACR_USAGE],
    ['/acr', '--help', '/acr', ACR_USAGE],
    ['/acr', '-h', '/acr', ACR_USAGE],
    ['/acr', 'Help', '/acr', ACR_USAGE],
    ['/acr', 'help build', '/acr build', ACR_BUILD_USAGE],
    ['/acr', 'build', '/acr build', ACR_BUILD_USAGE],
    ['/acr', 'build help', '/acr build', ACR_BUILD_USAGE],
    ['/acr', 'build --help', '/acr build', ACR_BUILD_USAGE],
    ['/acr', `build -t web:v1 -h ${GIT}`, '/acr build', ACR_BUILD_USAGE],
    ['/acr', `build -t web:v1 ${GIT} help`, '/acr build', ACR_BUILD_USAGE],
    ['/acr', 'build --imgae x help', '/acr build', ACR_BUILD_USAGE],
    ['/acr', 'build \u2014help', '/acr build', ACR_BUILD_USAGE],
    ['/ops', '', '/ops', helpText()],
    ['/ops', 'help', '/ops', helpText()],
    ['/ops', 'help job', '/ops job', OPS_JOB_USAGE],
    ['/ops', 'job', '/ops job', OPS_JOB_USAGE],
    ['/ops', 'job help', '/ops job', OPS_JOB_USAGE],
    ['/OPS', ' help ', '/ops', helpText()],
    ['acr', 'help', '/acr', ACR_USAGE],
  ])('%s %j is help about %s', (command, text, topic, usage) => {
    expect(parseCommand(command, text)).toEqual({ kind: 'help', topic, usage });
  });

  it('parses the full example command', () => {
    expect(parseCommand('/acr', `build -r contosoreg -t web:v1 -f Dockerfile ${GIT}#main:src`)).toMatchObject({
      kind: 'acr.build',
      registry: 'contosoreg',
      images: ['web:v1'],
      source: { ref: 'main', subfolder: 'src' },
    });
  });

  it('matches the subcommand case-insensitively (phones capitalise)', () => {
    expect(parseCommand('/acr', `Build -t web ${GIT}`)).toMatchObject({ kind: 'acr.build', images: ['web'] });
  });

  it('parses /ops job', () => {
    expect(parseCommand('/ops', 'job j0abc12def345')).toEqual({ kind: 'ops.job', jobId: 'j0abc12def345' });
  });

  it.each<[string, string, RegExp | string, string]>([
    ['/acr', 'biuld -t web x', 'Unknown subcommand "biuld" for /acr. Did you mean /acr build?', ACR_USAGE],
    ['/acr', 'deploy', 'Unknown subcommand "deploy" for /acr. Try /acr help.', ACR_USAGE],
    [
      '/acr',
      `-t web ${GIT}`,
      'Start with a subcommand (build, task, token, runs, logs, cancel, repository, show, update, replication, promote) before the flags, e.g. /acr build -t …',
      ACR_USAGE,
    ],
    ['/ops', 'jbo j0abc12def345', 'Unknown subcommand "jbo" for /ops. Did you mean /ops job?', OPS_USAGE],
    ['/ops', 'deploy', 'Unknown subcommand "deploy" for /ops. Try /ops help.', OPS_USAGE],
    ['/acr', 'build -t "web', /^The " before web has no closing quote/, ACR_USAGE],
    ['/acr', `build -t web:v1 -t web:v1 --timeout 1 ${GIT}`, /^--timeout must be between 300 and 28800/, ACR_BUILD_USAGE],
    ['/acr', `build --no-cache --no-cache -t web ${GIT}`, '--no-cache was given more than once; give it once.', ACR_BUILD_USAGE],
    ['/ops', 'job nope', /^"nope" isn't a job id/, OPS_JOB_USAGE],
    ['/acrr', 'build', 'Unknown command "/acrr". Did you mean /acr?', helpText()],
    ['/deploy', '', 'Unknown command "/deploy".', helpText()],
  ])('%s %j is refused', (command, text, message, usage) => {
    expectUsageError(() => parseCommand(command, text), message, usage);
  });

  describe('the length limit', () => {
    const prefix = `build -t web:v1 ${GIT} --build-arg A=`;
    it('accepts text of exactly the limit', () => {
      const text = prefix + 'x'.repeat(MAX_COMMAND_TEXT_LENGTH - prefix.length);
      expect(text).toHaveLength(4000);
      expect(parseCommand('/acr', text)).toMatchObject({ kind: 'acr.build' });
    });

    it('refuses one character more, before parsing it', () => {
      const text = prefix + 'x'.repeat(MAX_COMMAND_TEXT_LENGTH - prefix.length + 1);
      expectUsageError(() => parseCommand('/acr', text), 'That command is 4001 characters long; keep it under 4000.', ACR_USAGE);
    });

    it('refuses long help text too', () => {
      expectUsageError(() => parseCommand('/ops', `help ${' '.repeat(5000)}`), /characters long/);
    });
  });

  it('turns an unexpected failure into a UsageError', () => {
    const err = expectUsageError(() => parseCommand(undefined as unknown as string, 'x'), /^Unknown command "undefined"/, helpText());
    expect(err.code).toBe('chatops_usage');
    expect(err.name).toBe('UsageError');
  });

  it('treats missing text as empty', () => {
    expect(parseCommand('/acr', undefined as unknown as string)).toEqual({ kind: 'help', topic: '/acr', usage: ACR_USAGE });
  });
});
