import { expect } from 'vitest';
import { UsageError } from '../../../../src/core/commands/index.ts';

/** Runs `fn`, asserts it threw a UsageError, and returns it for further checks. */
export function catchUsageError(fn: () => unknown): UsageError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  return thrown as UsageError;
}

/** Asserts `fn` throws a UsageError whose message matches `message` (and usage, if given). */
export function expectUsageError(fn: () => unknown, message: RegExp | string, usage?: string): UsageError {
  const err = catchUsageError(fn);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  if (usage !== undefined) expect(err.usage).toBe(usage);
  return err;
}
