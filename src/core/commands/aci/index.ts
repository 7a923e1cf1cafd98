/**
 * `/aci`: Azure Container Instances container groups, mirroring `az container`. Pure parsers:
 * words after `/aci` → a typed command, a help request, or a UsageError.
 */
import { UsageError } from '../errors.ts';
import { wantsHelp } from '../flags.ts';
import type { HelpCommand } from '../parse-command.ts';
import { quoted } from '../quoted.ts';
import type { Subcommand } from '../subcommand.ts';
import { closestMatch } from '../suggest.ts';
import { ACI_CREATE_FLAGS, parseAciCreate, type AciCreateCommand } from './create.ts';
import { ACI_LIFECYCLE_FLAGS, ACI_LIST_FLAGS, ACI_LOGS_FLAGS, parseAciLifecycle, parseAciList, parseAciLogs, type AciLifecycleCommand, type AciListCommand, type AciLogsCommand } from './lifecycle.ts';
import { ACI_PROMOTE_FLAGS, ACI_PROMOTE_USAGE, parseAciPromote, type AciPromoteCommand } from '../promote.ts';
import { ACI_CREATE_USAGE, ACI_LIFECYCLE_VERBS, ACI_LIST_USAGE, ACI_LOGS_USAGE, ACI_USAGE, aciLifecycleUsage } from './usage.ts';

export { ACI_CREATE_FLAGS, parseAciCreate, type AciCreateCommand } from './create.ts';
export { KEY_VAULT_PREFIX, type AciEnvironmentVariable, type AciSecureEnvironmentVariable } from './env-vars.ts';
export { ACI_LIFECYCLE_FLAGS, ACI_LIST_FLAGS, ACI_LOGS_FLAGS, parseAciLifecycle, parseAciList, parseAciLogs, type AciLifecycleCommand, type AciListCommand, type AciLogsCommand } from './lifecycle.ts';
export { ACI_CREATE_USAGE, ACI_LIFECYCLE_VERBS, ACI_LIST_USAGE, ACI_LOGS_USAGE, ACI_USAGE, aciLifecycleUsage, type AciLifecycleVerb } from './usage.ts';
export { MAX_TAIL_LINES } from './values.ts';

/** Every action `/aci` can produce (help requests aside). */
export type AciCommand = AciCreateCommand | AciLifecycleCommand | AciLogsCommand | AciListCommand | AciPromoteCommand;

/**
 * An `/aci` subcommand. `aliases` are other words for it (`deploy` for `create`); `runsBare`
 * ones act with nothing after them (`/aci list`) instead of showing their help.
 */
export interface AciSubcommand extends Subcommand<AciCommand> {
  /** @defaultValue [] */
  readonly aliases?: readonly string[];
  /** @defaultValue false */
  readonly runsBare?: boolean;
}

/** Subcommands of `/aci`, in the order help lists them. */
export const ACI_SUBCOMMANDS: readonly AciSubcommand[] = [
  { name: 'create', aliases: ['deploy'], usage: ACI_CREATE_USAGE, flags: ACI_CREATE_FLAGS, parse: parseAciCreate },
  ...ACI_LIFECYCLE_VERBS.map((verb) => ({ name: verb, usage: aciLifecycleUsage(verb), flags: ACI_LIFECYCLE_FLAGS, parse: (tokens: string[]) => parseAciLifecycle(verb, tokens) })),
  { name: 'logs', usage: ACI_LOGS_USAGE, flags: ACI_LOGS_FLAGS, parse: parseAciLogs },
  { name: 'list', usage: ACI_LIST_USAGE, flags: ACI_LIST_FLAGS, parse: parseAciList, runsBare: true },
  { name: 'promote', usage: ACI_PROMOTE_USAGE, flags: ACI_PROMOTE_FLAGS, parse: parseAciPromote },
];

const COMMAND = '/aci';

/**
 * Parses the words after `/aci` (already tokenized), with help handled as `parseCommand`
 * does for `/acr` and `/ops`: nothing, `help`, `--help` or `-h` (as a word, not a flag's value),
 * or a subcommand with nothing after it (except `list`) give a {@link HelpCommand}.
 *
 * @throws UsageError, and nothing else, for any input.
 */
export function parseAci(tokens: string[]): AciCommand | HelpCommand {
  try {
    return route(tokens);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // A parser bug must still reach the user as a usage reply, not an unhandled crash.
    throw new UsageError('Sorry, I couldn’t read that command; check it against the usage below.', ACI_USAGE, { cause: err });
  }
}

function route(tokens: string[]): AciCommand | HelpCommand {
  const [first, second] = tokens;
  if (first === undefined || wantsHelp([first], [])) {
    // `/aci help create` is help about `/aci create`.
    const sub = second === undefined ? undefined : findSubcommand(second);
    return sub === undefined ? help(COMMAND, ACI_USAGE) : help(`${COMMAND} ${sub.name}`, sub.usage);
  }
  const sub = findSubcommand(first) ?? unknownSubcommand(first);
  const rest = tokens.slice(1);
  if ((rest.length === 0 && sub.runsBare !== true) || wantsHelp(rest, sub.flags)) return help(`${COMMAND} ${sub.name}`, sub.usage);
  return sub.parse(rest);
}

function help(topic: string, usage: string): HelpCommand {
  return { kind: 'help', topic, usage };
}

// Phones capitalise the first word (`/aci Create`), so subcommands match case-insensitively.
function findSubcommand(word: string): AciSubcommand | undefined {
  const lower = word.toLowerCase();
  return ACI_SUBCOMMANDS.find((s) => s.name === lower || (s.aliases ?? []).includes(lower));
}

function unknownSubcommand(word: string): never {
  const names = ACI_SUBCOMMANDS.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
  if (word.startsWith('-')) {
    // Echo the flag only when it is short and plain; the example just shows where it goes.
    const flag = /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}$/.test(word) ? `${word} ` : '';
    throw new UsageError(`Start with a subcommand (${ACI_SUBCOMMANDS.map((s) => s.name).join(', ')}) before the flags, e.g. ${COMMAND} create ${flag}…`, ACI_USAGE);
  }
  const guess = closestMatch(word, [...names, 'help']);
  const hint = guess === undefined ? ` Try ${COMMAND} help.` : ` Did you mean ${COMMAND} ${guess}?`;
  throw new UsageError(`Unknown subcommand ${quoted(word)} for ${COMMAND}.${hint}`, ACI_USAGE);
}
