import { describe, expect, it } from 'vitest';
import { ACI_LIMITS, validateCpu, validateMemoryInGB } from '../../../../src/core/validation/index.ts';
import { expectProblem, expectValid } from './expect-validation.ts';

describe('validateCpu', () => {
  const FORM = 'CPU is 0.1–4 cores with at most 2 decimals, e.g. 1 or 0.5';

  it.each<[string | number, number]>([
    ['1', 1],
    ['0.1', 0.1],
    ['0.5', 0.5],
    ['2.25', 2.25],
    ['4', 4],
    ['4.00', 4],
    [' 2 ', 2],
    [1.5, 1.5],
  ])('accepts %j as %j cores', (text, expected) => {
    expect(expectValid(validateCpu(text))).toBe(expected);
  });

  it.each<[string | number, string]>([
    ['0', "(got '0')."],
    ['0.05', "(got '0.05')."],
    ['4.01', "(got '4.01')."],
    ['8', "(got '8')."],
    ['1.125', "(got '1.125')."],
    ['-1', "(got '-1')."],
    ['', "(got '')."],
    ['one', "(got 'one')."],
    ['1e0', "(got '1e0')."],
    ['0x2', "(got '0x2')."],
    ['Infinity', "(got 'Infinity')."],
    ['1,5', "(got '1,5')."],
    [Number.NaN, "(got 'NaN')."],
    ['1\u0000', "(got '1\\u0000')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateCpu(text), FORM, detail);
  });

  it('takes a region maximum', () => {
    expect(expectValid(validateCpu('16', { max: 31 }))).toBe(16);
    expectProblem(validateCpu('3', { max: 2 }), 'CPU is 0.1–2 cores');
  });
});

describe('validateMemoryInGB', () => {
  const FORM = 'Memory is 0.1–16 GB in steps of 0.1, e.g. 1.5';

  it.each<[string | number, number]>([
    ['1.5', 1.5],
    ['0.1', 0.1],
    ['16', 16],
    ['16.0', 16],
    ['2GB', 2],
    ['2 gb', 2],
    ['3.5G', 3.5],
    [0.5, 0.5],
  ])('accepts %j as %j GB', (text, expected) => {
    expect(expectValid(validateMemoryInGB(text))).toBe(expected);
  });

  it.each<[string | number, string]>([
    ['0', "(got '0')."],
    ['0.05', "(got '0.05')."],
    ['1.25', "(got '1.25')."],
    ['16.1', "(got '16.1')."],
    ['32', "(got '32')."],
    ['512MB', 'so 512MB is 0.5).'],
    ['1024Mi', "(got '1024Mi'; give GB"],
    ['1.5GiB', "(got '1.5GiB')."],
    ['GB', "(got 'GB')."],
    ['1.5 TB', "(got '1.5 TB')."],
    ['-2', "(got '-2')."],
  ])('refuses %j, showing the valid form', (text, detail) => {
    expectProblem(validateMemoryInGB(text), FORM, detail);
  });

  it('exposes the assumed limits', () => {
    expect(ACI_LIMITS.memoryInGB).toStrictEqual({ min: 0.1, max: 16, decimals: 1 });
    expect(ACI_LIMITS.cpu.max).toBe(4);
  });
});
