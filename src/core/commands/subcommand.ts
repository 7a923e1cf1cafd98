import type { FlagSpec } from './flags.ts';

/**
 * One subcommand of a slash command (`build` of `/acr`, `job` of `/ops`). Adding a subcommand
 * is adding one of these to its command's table.
 */
export interface Subcommand<T> {
  /** The word after the slash command, lowercase. */
  readonly name: string;
  /** Shown for `help` and under this subcommand's usage errors. */
  readonly usage: string;
  /** Its flags, so `help` given as a flag's value (`--target help`) is not taken as a help request. */
  readonly flags: readonly FlagSpec[];
  /** Parses the words after the subcommand; throws only UsageError. */
  readonly parse: (tokens: string[]) => T;
}
