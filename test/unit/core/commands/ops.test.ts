import { describe, expect, it } from 'vitest';
import { OPS_JOB_USAGE, parseOpsJob } from '../../../../src/core/commands/index.ts';
import { expectUsageError } from './expect-usage-error.ts';

describe('parseOpsJob', () => {
  it.each<[string[], string]>([
    [['j0abc12def345'], 'j0abc12def345'],
    [['J0ABC12DEF345'], 'j0abc12def345'],
    [['`j0abc12def345`'], 'j0abc12def345'],
    [['jzzzzzzzzzzzz'], 'jzzzzzzzzzzzz'],
  ])('accepts %j', (tokens, jobId) => {
    expect(parseOpsJob(tokens)).toEqual({ kind: 'ops.job', jobId });
  });

  it.each<[string, string[], RegExp | string]>([
    ['no id', [], 'Give the job id, e.g. /ops job j0abc12def345.'],
    ['two ids', ['j0abc12def345', 'j0abc12def346'], 'Give one job id, not 2.'],
    ['a short id', ['j0abc12def34'], /^"j0abc12def34" isn't a job id: job ids are j followed by 12 letters or digits/],
    ['a long id', ['j0abc12def3456'], /isn't a job id/],
    ['a wrong prefix', ['x0abc12def345'], /isn't a job id/],
    ['punctuation', ['j0abc12def34-'], /isn't a job id/],
    ['a flag', ['--all'], 'Unknown flag --all.'],
  ])('refuses %s', (_name, tokens, message) => {
    expectUsageError(() => parseOpsJob(tokens), message, OPS_JOB_USAGE);
  });
});
