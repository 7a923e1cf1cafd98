import { describe, expect, it } from 'vitest';
import { hasInvisible, MAX_SHOWN, shown } from '../../../../src/core/validation/index.ts';

describe('shown', () => {
  it.each([
    ['plain', 'web-1', "'web-1'"],
    ['a NUL', 'a\u0000b', "'a\\u0000b'"],
    ['an escape sequence', '\u001b[31mred', "'\\u001b[31mred'"],
    ['a newline', 'a\nb', "'a\\u000ab'"],
    ['DEL and C1', '\u007f\u0085', "'\\u007f\\u0085'"],
    ['a bidi override', 'abc\u202etxt.exe', "'abc\\u202etxt.exe'"],
    ['a line separator', 'a\u2028b', "'a\\u2028b'"],
    ['a lone surrogate', 'a\ud800b', "'a\\ud800b'"],
    ['an astral format character', 'a\u{e0001}b', "'a\\u{e0001}b'"],
    ['emoji and combining marks', '🚀é', "'🚀é'"],
  ])('shows %s visibly', (_name, value, expected) => {
    expect(shown(value)).toBe(expected);
  });

  it('cuts long values to MAX_SHOWN code points plus an ellipsis', () => {
    expect(shown('x'.repeat(5000))).toBe(`'${'x'.repeat(MAX_SHOWN)}…'`);
    expect(shown('🚀'.repeat(MAX_SHOWN + 1))).toBe(`'${'🚀'.repeat(MAX_SHOWN)}…'`);
    expect(shown('x'.repeat(MAX_SHOWN))).toBe(`'${'x'.repeat(MAX_SHOWN)}'`);
  });

  it.each([
    ['web', false],
    ['wéb 🚀', false],
    ['a\tb', true],
    ['\u2066x', true],
  ])('hasInvisible(%j) is %s', (value, expected) => {
    expect(hasInvisible(value)).toBe(expected);
  });
});
