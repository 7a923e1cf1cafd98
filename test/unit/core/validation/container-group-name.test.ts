import { describe, expect, it } from 'vitest';
import { validateContainerGroupName } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = "Container group names are 1–63 lowercase letters, digits and '-', not starting or ending with '-' and without '--', e.g. web-1";

describe('validateContainerGroupName', () => {
  it.each(['a', '1', 'web', 'web-1', 'my-app-2-prod', 'a'.repeat(63), '0abc', 'a-b-c'])('accepts %j', (text) => {
    expect(expectValid(validateContainerGroupName(text))).toBe(text);
  });

  it.each([
    ['', "(got '')."],
    ['a'.repeat(64), '…'],
    ['-web', "(got '-web')."],
    ['web-', "(got 'web-')."],
    ['web--1', "(got 'web--1')."],
    ['web_1', "(got 'web_1')."],
    ['web.1', "(got 'web.1')."],
    ['web 1', "(got 'web 1')."],
    ['Web_1', "(got 'Web_1')."],
    ['Web-1', "did you mean 'web-1'?"],
    ['wéb', "(got 'wéb')."],
    ['web\u202e1', "(got 'web\\u202e1')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateContainerGroupName(text), FORM, detail);
  });
});
