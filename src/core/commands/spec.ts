import type { RoleRequirement } from '../access/requirement.ts';
import type { FlagSpec } from './flags.ts';

/** The slash commands the app registers (the manifest lists the same). */
export const SLASH_COMMANDS = ['/acr', '/aci', '/sp', '/ops'] as const;
export type SlashCommandName = (typeof SLASH_COMMANDS)[number];

/**
 * A read-only `/acr` lookup answered by the `acr-query` job: which of its queries runs, the
 * title of the answer, and the values the query needs beyond the registry.
 */
export interface AcrQuerySpec<C> {
  readonly op: string;
  /** The answer's title, e.g. `Replication japaneast of contosoreg`. */
  title(registry: string, command: C): string;
  /** The values the query reads, kept in the job's data. */
  params?(command: C): Readonly<Record<string, string | number>>;
}

/**
 * One subcommand, declared once: the words that call it, its flags, usage and help line, the
 * access action it needs and who may run it, its parser, and how it is answered. Dispatch,
 * both help lists and the role table are built from these (see `specs.ts`).
 */
export interface CommandSpec<C extends { kind: string } = { kind: string }> {
  readonly command: SlashCommandName;
  /** `['build']`, or a verb group and its verb: `['replication', 'show']`. */
  readonly words: readonly [string] | readonly [string, string];
  /** Other words for the first word (`deploy` for `/aci create`). */
  readonly aliases?: readonly string[];
  /** Its flags, so `help` given as a flag's value (`--target help`) is not taken as a help request. */
  readonly flags: readonly FlagSpec[];
  /** Shown for `help` and under this subcommand's usage errors (shared by a verb group). */
  readonly usage: string;
  /** Its line in `/ops help` (verbs of a group may share one line). */
  readonly help: string;
  /** The access-policy action, which is also the name of the audit record: `command.<action>`. */
  readonly action: string;
  readonly requires: RoleRequirement;
  /** Acts with nothing after its words (`/acr runs`) instead of showing its help. @defaultValue false */
  readonly runsBare?: boolean;
  /** Parses the words after its words; throws only UsageError. */
  readonly parse: (tokens: string[]) => C;
  /** Present for `/acr` lookups answered by the `acr-query` job. */
  readonly query?: AcrQuerySpec<C>;
}

/** Declares a subcommand (the identity, for type inference). */
export function defineCommand<C extends { kind: string }>(spec: CommandSpec<C>): CommandSpec<C> {
  return spec;
}
