import { describe, expect, it } from 'vitest';
import { validateEnvVarName } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = "Environment variable names are letters, digits and '_', not starting with a digit, up to 256 characters, e.g. APP_VERSION";

describe('validateEnvVarName', () => {
  it.each(['A', '_', 'APP_VERSION', 'path', 'a1', '_9', 'X'.repeat(256)])('accepts %j', (text) => {
    expect(expectValid(validateEnvVarName(text))).toBe(text);
  });

  it.each([
    ['', "(got '')."],
    ['1ABC', "(got '1ABC')."],
    ['MY-VAR', "did you mean 'MY_VAR'?"],
    ['A=B', "(got 'A=B')."],
    ['A B', "(got 'A B')."],
    ['ÄPFEL', "(got 'ÄPFEL')."],
    ['$(rm -rf /)', "(got '$(rm -rf /)')."],
    ['X'.repeat(257), '…'],
    ['A\u0000', "(got 'A\\u0000')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateEnvVarName(text), FORM, detail);
  });
});
