import { parseAci, type AciCommand } from './aci/index.ts';
import { ACI_USAGE } from './aci/usage.ts';
import { ACR_SUBCOMMANDS, type AcrCommand } from './acr.ts';
import { UsageError } from './errors.ts';
import { wantsHelp } from './flags.ts';
import { OPS_SUBCOMMANDS, type OpsCommand } from './ops.ts';
import { SP_SUBCOMMANDS, SP_USAGE, type SpCommand } from './sp.ts';
import { quoted } from './quoted.ts';
import type { Subcommand } from './subcommand.ts';
import { closestMatch } from './suggest.ts';
import { tokenize } from './tokenize.ts';
import { ACR_USAGE, helpText, OPS_USAGE } from './usage.ts';

/** A request for usage text rather than an action. */
export interface HelpCommand {
  kind: 'help';
  /** What help was asked for: `/acr`, `/acr build`, `/ops`, `/ops job`. */
  topic: string;
  usage: string;
}

/** Everything {@link parseCommand} can return. */
export type ParsedCommand = AcrCommand | OpsCommand | AciCommand | SpCommand | HelpCommand;

/** Longest command text accepted, in UTF-16 code units (JavaScript string length). */
export const MAX_COMMAND_TEXT_LENGTH = 4000;

interface SlashCommandEntry {
  readonly name: string;
  /** Shown under errors that concern the command as a whole. */
  readonly usage: string;
  /** Shown for `/x`, `/x help`. */
  readonly help: string;
  readonly subcommands: readonly Subcommand<AcrCommand | OpsCommand | SpCommand>[];
}

const COMMANDS: readonly SlashCommandEntry[] = [
  { name: '/acr', usage: ACR_USAGE, help: ACR_USAGE, subcommands: ACR_SUBCOMMANDS },
  // `/aci` has aliases and its own help routing, so its parser takes the tokens whole.
  { name: '/aci', usage: ACI_USAGE, help: ACI_USAGE, subcommands: [] },
  { name: '/sp', usage: SP_USAGE, help: SP_USAGE, subcommands: SP_SUBCOMMANDS },
  // `/ops` is the bot's own command, so its help lists everything the bot understands.
  { name: '/ops', usage: OPS_USAGE, help: helpText(), subcommands: OPS_SUBCOMMANDS },
];

/**
 * The single entry point from Slack: `command` is the slash command (`/acr`, `/ops`), `text`
 * what followed it, exactly as Slack sent it.
 *
 * `help`, `--help` or `-h` (as a word, not a flag's value), empty text and a subcommand with
 * nothing after it give a {@link HelpCommand} for the command or subcommand concerned.
 *
 * @throws UsageError, and nothing else, for any input: unknown command or subcommand (with a
 * suggestion), text over {@link MAX_COMMAND_TEXT_LENGTH}, or any parse failure.
 */
export function parseCommand(command: string, text: string): ParsedCommand {
  try {
    return route(command, text);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // A parser bug must still reach the user as a usage reply, not an unhandled crash.
    throw new UsageError('Sorry, I couldn’t read that command; check it against the usage below.', helpText(), { cause: err });
  }
}

function route(command: string, text: string): ParsedCommand {
  const name = String(command).trim().toLowerCase();
  const entry = COMMANDS.find((c) => c.name === name || c.name === `/${name}`);
  if (entry === undefined) {
    const guess = closestMatch(name.replace(/^\//, ''), COMMANDS.map((c) => c.name.slice(1)));
    throw new UsageError(`Unknown command ${quoted(String(command))}.${guess === undefined ? '' : ` Did you mean /${guess}?`}`, helpText());
  }
  const input = typeof text === 'string' ? text : '';
  if (input.length > MAX_COMMAND_TEXT_LENGTH) {
    throw new UsageError(`That command is ${input.length} characters long; keep it under ${MAX_COMMAND_TEXT_LENGTH}.`, entry.usage);
  }

  const tokens = tokenize(input, entry.usage);
  if (entry.name === '/aci') return parseAci(tokens);
  const [first, second] = tokens;
  if (first === undefined || wantsHelp([first], [])) {
    // `/acr help build` is help about `/acr build`.
    const sub = second === undefined ? undefined : findSubcommand(entry, second);
    return sub === undefined ? help(entry.name, entry.help) : help(`${entry.name} ${sub.name}`, sub.usage);
  }
  const sub = findSubcommand(entry, first) ?? unknownSubcommand(entry, first);
  const rest = tokens.slice(1);
  // A bare `/acr build` is someone finding out how it works, not a mistake; a bare
  // `/ops whoami` or `/ops audit` is a complete request.
  if ((rest.length === 0 && !runsBare(sub)) || wantsHelp(rest, sub.flags)) return help(`${entry.name} ${sub.name}`, sub.usage);
  return sub.parse(rest);
}

/** Whether a subcommand acts with nothing after it (`OpsSubcommand.runsBare`). */
function runsBare(sub: Subcommand<unknown>): boolean {
  return 'runsBare' in sub && sub.runsBare === true;
}

function help(topic: string, usage: string): HelpCommand {
  return { kind: 'help', topic, usage };
}

// Phones capitalise the first word (`/acr Build`), so subcommands match case-insensitively.
function findSubcommand(entry: SlashCommandEntry, word: string): SlashCommandEntry['subcommands'][number] | undefined {
  const lower = word.toLowerCase();
  return entry.subcommands.find((s) => s.name === lower);
}

function unknownSubcommand(entry: SlashCommandEntry, word: string): never {
  const names = entry.subcommands.map((s) => s.name);
  if (word.startsWith('-')) {
    // Echo the flag only when it is short and plain; the example just shows where it goes.
    const flag = /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}$/.test(word) ? `${word} ` : '';
    throw new UsageError(`Start with a subcommand (${names.join(', ')}) before the flags, e.g. ${entry.name} ${names[0] ?? 'help'} ${flag}…`, entry.usage);
  }
  const guess = closestMatch(word, [...names, 'help']);
  const hint = guess === undefined ? ` Try ${entry.name} help.` : ` Did you mean ${entry.name} ${guess}?`;
  throw new UsageError(`Unknown subcommand ${quoted(word)} for ${entry.name}.${hint}`, entry.usage);
}
