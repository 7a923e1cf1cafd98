import { expect } from 'vitest';
import type { Validation } from '../../../../src/core/validation/index.ts';

/** Asserts a validation passed and returns its value. */
export function expectValid<T>(result: Validation<T>): T {
  if (!result.ok) expect.fail(`expected ok, got problem: ${result.problem}`);
  return result.value;
}

/**
 * Asserts a validation failed with one sentence that contains every `expected` fragment (the
 * valid form, the echoed value) and no raw control characters; returns the problem.
 */
export function expectProblem(result: Validation<unknown>, ...expected: string[]): string {
  if (result.ok) expect.fail(`expected a problem, got ok: ${JSON.stringify(result.value)}`);
  const { problem } = result;
  for (const fragment of expected) expect(problem).toContain(fragment);
  expect(problem).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  expect(problem).toMatch(/[.?)]$/);
  return problem;
}
