import { describe, expect, it } from 'vitest';
import { validateLocation } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

const FORM = 'Azure locations are lowercase names without spaces, like westeurope or eastus2';
const KNOWN = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'swedencentral'];

describe('validateLocation', () => {
  it.each(['westeurope', 'eastus2', 'eastus2euap', 'germanywestcentral', 'usgovvirginia', 'chinanorth3'])('accepts %j', (text) => {
    expect(expectValid(validateLocation(text))).toBe(text);
  });

  it.each([
    ['West Europe', 'westeurope'],
    ['westEurope', 'westeurope'],
    ['East US 2', 'eastus2'],
    ['west-europe', 'westeurope'],
    ['(Europe) West Europe', 'westeurope'],
    ['  Sweden  Central ', 'swedencentral'],
  ])('refuses the display-style %j with a did-you-mean of %j', (text, suggestion) => {
    expectProblem(validateLocation(text), FORM, `did you mean '${suggestion}'?`);
  });

  it.each([
    ['', "(got '')."],
    ['e', "(got 'e')."],
    ['2east', "(got '2east')."],
    ['west europe!', "(got 'west europe!')."],
    ['x'.repeat(41), '…'],
    ['west\u0000europe', "(got 'west\\u0000europe')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateLocation(text), FORM, detail);
  });

  describe('with known locations', () => {
    it('accepts a known one', () => {
      expect(expectValid(validateLocation('eastus2', { known: KNOWN }))).toBe('eastus2');
    });
    it.each([
      ['westeurop', "did you mean 'westeurope'?"],
      ['swedencentrl', "did you mean 'swedencentral'?"],
      ['mars', "use one of 'westeurope', 'northeurope', 'eastus', 'eastus2' (5 in all)."],
    ])('refuses the unknown %j and points at a known one', (text, hint) => {
      expectProblem(validateLocation(text, { known: KNOWN }), `'${text}' isn't one of the Azure locations configured here`, hint);
    });
    it('suggests from display names only when the result is known', () => {
      expectProblem(validateLocation('North Europe', { known: KNOWN }), "did you mean 'northeurope'?");
      const problem = expectProblem(validateLocation('Mars Central', { known: KNOWN }), FORM);
      expect(problem).not.toContain('did you mean');
    });
  });
});
