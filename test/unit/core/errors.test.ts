import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/load-config.ts';
import { AuditWriteError } from '../../../src/core/audit.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { UsageError } from '../../../src/core/commands/errors.ts';
import { SecretNotFoundError } from '../../../src/core/deploy/secret-not-found.ts';
import {
  ErrorCode,
  isUserVisibleError,
  QueueUnavailableError,
  QueueUnconfirmedError,
  Refused,
  UserFacingError,
  type UserVisibleError,
} from '../../../src/core/errors.ts';
import { failureReply } from '../../../src/slack/render/replies.ts';
import { JobStop } from '../../../jobs/job-failures.ts';

const visible: UserVisibleError[] = [
  new UsageError('Give the git URL.', 'Usage: `/acr build …`'),
  new Refused({ mrkdwn: 'You need the *builder* role in *dev*; ask <@U0ADMIN>.' }),
  new UserFacingError(ErrorCode.PolicyViolation, 'That registry is not allowed here.', { hint: 'Use the environment’s registry.' }),
  new QueueUnavailableError(new Error('ECONNREFUSED')),
  new QueueUnconfirmedError('j0abc12def345'),
  new AuditWriteError('approval.approve'),
  new AzureOperationError('Azure refused the request.', { transient: false, hint: 'Check the role assignment.' }),
  new SecretNotFoundError('https://kv.vault.azure.net', 'db-password'),
  new ConfigError(['environments.dev.registry: required']),
  new JobStop('There is no task buildweb in contosodev.', '/acr task list shows its tasks.'),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the error contract', () => {
  it.each(visible.map((err) => [err.name, err] as const))('%s keeps it: a code from ErrorCode, a message, and what to do next', (_name, err) => {
    expect(isUserVisibleError(err)).toBe(true);
    expect(Object.values(ErrorCode)).toContain(err.code);
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.hint !== undefined || err.usage !== undefined || err.mrkdwn !== undefined).toBe(true);
  });

  it('turns each into its own words, and anything else into "our fault", never a stack trace', () => {
    expect(failureReply(visible[0], 'so nothing was started').text).toBe(':warning: Give the git URL.\n\nUsage: `/acr build …`');
    expect(failureReply(visible[1], 'so nothing was started').text).toBe('You need the *builder* role in *dev*; ask <@U0ADMIN>.');
    expect(failureReply(visible[5], 'so nothing was started').text).toContain(
      'The audit log is unavailable right now, so nothing was done.\nTry again in a minute.',
    );
    const bug = new TypeError('Cannot read properties of undefined');
    const reply = failureReply(bug, 'so nothing was started').text;
    expect(reply).toContain('Something went wrong on my side, so nothing was started.');
    expect(reply).not.toContain('Cannot read');
    expect(isUserVisibleError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
  });

  it('has no unused code, and no error spells a code as a string', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('jobs')];
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const key of Object.keys(ErrorCode)) expect(text, `ErrorCode.${key} is never used`).toContain(`ErrorCode.${key}`);
    expect(text).not.toMatch(/code = 'chatops_/);
  });
});
