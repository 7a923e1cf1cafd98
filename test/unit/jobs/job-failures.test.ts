/** A job's final failure keeps the error contract: a stop is user-visible, and every contract error says its own words. */
import { describe, expect, it } from 'vitest';
import { JobStop, describeFailure } from '../../../jobs/job-failures.ts';
import { AuditWriteError } from '../../../src/core/audit.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { SecretNotFoundError } from '../../../src/core/deploy/secret-not-found.ts';
import { ErrorCode, isUserVisibleError } from '../../../src/core/errors.ts';
import { failureReply } from '../../../src/slack/render/replies.ts';

describe('JobStop', () => {
  it('keeps the error contract, so a stop reads the same in a job and in a reply', () => {
    const stop = new JobStop('There is no task buildweb in contosodev.', '/acr task list shows its tasks.');
    expect(isUserVisibleError(stop)).toBe(true);
    expect(stop.code).toBe(ErrorCode.JobStopped);
    expect(failureReply(stop, 'so nothing was started').text).toContain('There is no task buildweb in contosodev.');
    expect(failureReply(stop, 'so nothing was started').text).toContain('/acr task list shows its tasks.');
  });
});

describe('describeFailure', () => {
  it('says a stop, Azure, a missing secret and the audit log down in their own words', () => {
    expect(describeFailure(new JobStop('Stopped.', 'Fix it.'))).toStrictEqual({ text: 'Stopped.', hint: 'Fix it.' });
    expect(describeFailure(new AzureOperationError('Azure refused the import.', { transient: false, hint: 'Grant AcrPull.' }))).toStrictEqual({
      text: 'Azure refused the import.',
      hint: 'Grant AcrPull.',
    });
    const secret = new SecretNotFoundError('https://kv.vault.azure.net', 'db-password');
    expect(describeFailure(secret)).toStrictEqual({ text: secret.message, hint: secret.hint });
    const audit = new AuditWriteError('command.aci.promote');
    expect(describeFailure(audit)).toStrictEqual({ text: audit.message, hint: audit.hint });
  });

  it('says anything else was unexpected, without its details', () => {
    const described = describeFailure(new TypeError('Cannot read properties of undefined (reading "digest")'), {
      subscriptionId: 's',
      resourceGroup: 'rg',
      registry: 'contosodev',
    });
    expect(described.text).toBe('Something unexpected went wrong while working on registry contosodev.');
    expect(described.text).not.toContain('Cannot read');
  });
});
