import { describe, expect, it } from 'vitest';
import { parseRegistryName } from '../../../../src/core/commands/acr-names.ts';
import { validateRegistryName } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = 'Registry names are 5–50 letters and digits (no - or _), e.g. contosoreg';

describe('validateRegistryName', () => {
  it.each([
    ['contosoreg', 'contosoreg'],
    ['ContosoReg', 'contosoreg'],
    ['abcde', 'abcde'],
    ['a'.repeat(50), 'a'.repeat(50)],
    ['reg01', 'reg01'],
    ['contosoreg.azurecr.io', 'contosoreg'],
    ['ContosoReg.AzureCR.IO', 'contosoreg'],
    ['govreg1.azurecr.us', 'govreg1'],
    ['chinareg.azurecr.cn', 'chinareg'],
  ])('accepts %j as %j', (text, expected) => {
    expect(expectValid(validateRegistryName(text))).toBe(expected);
  });

  it.each([
    ['', "(got '')"],
    ['abcd', "(got 'abcd', 4 characters)"],
    ['a'.repeat(51), '51 characters'],
    ['my-reg', "(got 'my-reg')"],
    ['my_registry', "(got 'my_registry')"],
    ['contoso reg', "(got 'contoso reg')"],
    ['contosoreg.azurecr.com', "(got 'contosoreg.azurecr.com')"],
    ['rég1234', "(got 'rég1234')"],
    ['reg\u0000istry', "(got 'reg\\u0000istry')"],
  ])('refuses %j, showing the valid form', (text, got) => {
    expectProblem(validateRegistryName(text), FORM, got);
  });

  it.each(['contosoreg', 'ContosoReg.azurecr.io', 'abcd', 'my-reg', '', 'a'.repeat(51), 'x.azurecr.io'])(
    'agrees with parseRegistryName from the command parser on %j',
    (text) => {
      const result = validateRegistryName(text);
      let parsed: string | undefined;
      try {
        parsed = parseRegistryName(text, '');
      } catch {
        parsed = undefined;
      }
      expect(result.ok ? result.value : undefined).toBe(parsed);
    },
  );
});
