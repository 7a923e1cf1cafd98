import type { AciCommand } from './aci/index.ts';
import type { AcrCommand } from './acr.ts';
import { UsageError } from './errors.ts';
import { wantsHelp } from './flags.ts';
import type { OpsCommand } from './ops.ts';
import { quoted } from './quoted.ts';
import { SLASH_COMMANDS, type CommandSpec, type SlashCommandName } from './spec.ts';
import { COMMAND_SPECS, helpText, SLASH_COMMAND_USAGE } from './specs.ts';
import type { SpCommand } from './sp.ts';
import { closestMatch } from './suggest.ts';
import { tokenize } from './tokenize.ts';

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
  return routeCommand(command, text).parsed;
}

/** What {@link routeCommand} found: the command, and the spec that parsed it (none for help). */
export interface Routed {
  parsed: ParsedCommand;
  spec?: CommandSpec;
}

/** {@link parseCommand}, with the spec that parsed the command, for dispatch. */
export function routeCommand(command: string, text: string): Routed {
  try {
    return route(command, text);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // A parser bug must still reach the user as a usage reply, not an unhandled crash.
    throw new UsageError('Sorry, I couldn’t read that command; check it against the usage below.', helpText(), { cause: err });
  }
}

/** The words after `/aci`, already tokenized (the parser tests' entry point to one command). */
export function parseAci(tokens: string[]): ParsedCommand {
  try {
    return routeTokens('/aci', tokens).parsed;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError('Sorry, I couldn’t read that command; check it against the usage below.', SLASH_COMMAND_USAGE['/aci'].usage, { cause: err });
  }
}

function route(command: string, text: string): Routed {
  const lower = String(command).trim().toLowerCase();
  const name = SLASH_COMMANDS.find((c) => c === lower || c === `/${lower}`);
  if (name === undefined) {
    const guess = closestMatch(
      lower.replace(/^\//, ''),
      SLASH_COMMANDS.map((c) => c.slice(1)),
    );
    throw new UsageError(`Unknown command ${quoted(String(command))}.${guess === undefined ? '' : ` Did you mean /${guess}?`}`, helpText());
  }
  const { usage } = SLASH_COMMAND_USAGE[name];
  const input = typeof text === 'string' ? text : '';
  if (input.length > MAX_COMMAND_TEXT_LENGTH) {
    throw new UsageError(`That command is ${input.length} characters long; keep it under ${MAX_COMMAND_TEXT_LENGTH}.`, usage);
  }
  return routeTokens(name, tokenize(input, usage));
}

function routeTokens(name: SlashCommandName, tokens: string[]): Routed {
  const specs = COMMAND_SPECS.filter((s) => s.command === name);
  const [first, second] = tokens;
  if (first === undefined || wantsHelp([first], [])) {
    // `/acr help build` is help about `/acr build`.
    const sub = second === undefined ? undefined : findSubcommand(specs, second);
    return { parsed: sub === undefined ? help(name, SLASH_COMMAND_USAGE[name].help()) : help(`${name} ${sub[0]!.words[0]}`, sub[0]!.usage) };
  }
  const group = findSubcommand(specs, first) ?? unknownSubcommand(name, specs, first);
  const rest = tokens.slice(1);
  const [spec] = group;
  const topic = `${name} ${spec!.words[0]}`;
  if (spec!.words.length === 1) {
    // A bare `/acr build` is someone finding out how it works, not a mistake; a bare
    // `/ops whoami` or `/ops audit` is a complete request.
    if ((rest.length === 0 && spec!.runsBare !== true) || wantsHelp(rest, spec!.flags)) return { parsed: help(topic, spec!.usage) };
    return { parsed: spec!.parse(rest) as ParsedCommand, spec: spec! };
  }
  // A verb group (`/acr replication create|list|…`): the verb picks the spec.
  const [verb, ...after] = rest;
  if (verb === undefined || wantsHelp([verb], [])) return { parsed: help(topic, spec!.usage) };
  const leaf = group.find((s) => s.words[1] === verb.toLowerCase()) ?? unknownVerb(topic, group, verb);
  if (wantsHelp(after, leaf.flags)) return { parsed: help(topic, leaf.usage) };
  return { parsed: leaf.parse(after) as ParsedCommand, spec: leaf };
}

function help(topic: string, usage: string): HelpCommand {
  return { kind: 'help', topic, usage };
}

/** The specs under a first word (one, or a verb group's). Phones capitalise the first word (`/acr Build`), so it matches case-insensitively. */
function findSubcommand(specs: readonly CommandSpec[], word: string): readonly CommandSpec[] | undefined {
  const lower = word.toLowerCase();
  const found = specs.filter((s) => s.words[0] === lower || (s.aliases ?? []).includes(lower));
  return found.length === 0 ? undefined : found;
}

function unknownSubcommand(name: SlashCommandName, specs: readonly CommandSpec[], word: string): never {
  const usage = SLASH_COMMAND_USAGE[name].usage;
  const names = [...new Set(specs.map((s) => s.words[0]))];
  if (word.startsWith('-')) {
    // Echo the flag only when it is short and plain; the example just shows where it goes.
    const flag = /^-{1,2}[A-Za-z][A-Za-z0-9-]{0,30}$/.test(word) ? `${word} ` : '';
    throw new UsageError(`Start with a subcommand (${names.join(', ')}) before the flags, e.g. ${name} ${names[0] ?? 'help'} ${flag}…`, usage);
  }
  const guess = closestMatch(word, [...names, ...specs.flatMap((s) => s.aliases ?? []), 'help']);
  const hint = guess === undefined ? ` Try ${name} help.` : ` Did you mean ${name} ${guess}?`;
  throw new UsageError(`Unknown subcommand ${quoted(word)} for ${name}.${hint}`, usage);
}

function unknownVerb(topic: string, group: readonly CommandSpec[], verb: string): never {
  const verbs = group.map((s) => s.words[1]!);
  const listed = verbs.length > 1 ? `${verbs.slice(0, -1).join(', ')} or ${verbs.at(-1)}` : verbs.join('');
  throw new UsageError(`Unknown ${quoted(verb)}: ${topic} ${listed}.`, group[0]!.usage);
}
