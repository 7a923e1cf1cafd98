import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../../../src/core/commands/suggest.ts';

describe('editDistance', () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['image', 'image', 0],
    ['', 'abc', 3],
    ['imgae', 'image', 1],
    ['imag', 'image', 1],
    ['imagex', 'image', 1],
    ['kitten', 'sitting', 3],
  ])('%j → %j is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('closestMatch', () => {
  const names = ['registry', 'image', 'file', 'build-arg', 'platform', 'no-cache', 'timeout', 'env', 'target'];
  it.each<[string, string | undefined]>([
    ['imgae', 'image'],
    ['platfrom', 'platform'],
    ['nocache', 'no-cache'],
    ['TIMEOUT', 'timeout'],
    ['reg', 'registry'],
    ['t', undefined],
    ['zzzzzz', undefined],
    ['', undefined],
    ['i'.repeat(100), undefined],
  ])('%j → %j', (input, expected) => {
    expect(closestMatch(input, names)).toBe(expected);
  });
});
