import { describe, expect, it } from 'vitest';
import { validateDnsNameLabel } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = "DNS name labels are 5–63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, e.g. web-staging";

describe('validateDnsNameLabel', () => {
  it.each(['abcde', 'web-staging', 'a1234', 'my--app', `a${'b'.repeat(62)}`, 'contoso-web-2'])('accepts %j', (text) => {
    expect(expectValid(validateDnsNameLabel(text))).toBe(text);
  });

  it.each([
    ['', "(got '')."],
    ['abcd', "(got 'abcd')."],
    [`a${'b'.repeat(63)}`, '…'],
    ['1abcde', "(got '1abcde')."],
    ['-abcde', "(got '-abcde')."],
    ['abcde-', "(got 'abcde-')."],
    ['web_staging', "(got 'web_staging')."],
    ['web.staging', "(got 'web.staging')."],
    ['Web-Staging', "did you mean 'web-staging'?"],
    ['web\nstaging', "(got 'web\\u000astaging')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateDnsNameLabel(text), FORM, detail);
  });
});
