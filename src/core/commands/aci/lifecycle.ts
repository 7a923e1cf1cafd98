import { validateContainerGroupName } from '../../validation/index.ts';
import { parseEnvironmentName } from '../acr-names.ts';
import { UsageError } from '../errors.ts';
import { parseFlags, type FlagSpec } from '../flags.ts';
import { quoted } from '../quoted.ts';
import { ACI_LIST_USAGE, ACI_LOGS_USAGE, aciLifecycleUsage, type AciLifecycleVerb } from './usage.ts';
import { checked, parseTail } from './values.ts';

/** A parsed `/aci show|restart|stop|start|delete`: one action on one container group. */
export interface AciLifecycleCommand {
  kind: `aci.${AciLifecycleVerb}`;
  /** Container group name. */
  name: string;
  /** Environment named with `--env`; absent means the channel's or the default. */
  environment?: string;
}

/** A parsed `/aci logs`: recent log lines of one container, as `az container logs`. */
export interface AciLogsCommand {
  kind: 'aci.logs';
  name: string;
  /** Lines to show, 1–10000; absent means the executor's default. */
  tail?: number;
  /** Which container of the group; absent means the first (as az does). */
  containerName?: string;
  environment?: string;
}

/** A parsed `/aci list`: the container groups of an environment. */
export interface AciListCommand {
  kind: 'aci.list';
  environment?: string;
}

/** Flags of the lifecycle subcommands. */
export const ACI_LIFECYCLE_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'NAME' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

/** Flags of `/aci logs`. */
export const ACI_LOGS_FLAGS = [
  ...ACI_LIFECYCLE_FLAGS,
  // A string so a bad value gets the 1–10000 rule rather than "not a whole number".
  { name: 'tail', kind: 'string', valueName: 'LINES' },
  { name: 'container-name', kind: 'string', valueName: 'CONTAINER' },
] as const satisfies readonly FlagSpec[];

/** Flags of `/aci list`. */
export const ACI_LIST_FLAGS = [{ name: 'env', kind: 'string', valueName: 'ENVIRONMENT' }] as const satisfies readonly FlagSpec[];

/**
 * Parses the words after `/aci show`, `restart`, `stop`, `start` or `delete`.
 *
 * @throws UsageError (with that subcommand's usage) for any mistake.
 */
export function parseAciLifecycle(verb: AciLifecycleVerb, tokens: string[]): AciLifecycleCommand {
  const usage = aciLifecycleUsage(verb);
  const { values, positionals } = parseFlags(tokens, ACI_LIFECYCLE_FLAGS, usage);
  const command: AciLifecycleCommand = { kind: `aci.${verb}`, name: requireName(verb, values.name, positionals, usage) };
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env, usage);
  return command;
}

/**
 * Parses the words after `/aci logs`.
 *
 * @throws UsageError (with the `/aci logs` usage) for any mistake.
 */
export function parseAciLogs(tokens: string[]): AciLogsCommand {
  const usage = ACI_LOGS_USAGE;
  const { values, positionals } = parseFlags(tokens, ACI_LOGS_FLAGS, usage);
  const command: AciLogsCommand = { kind: 'aci.logs', name: requireName('logs', values.name, positionals, usage) };
  if (values.tail !== undefined) command.tail = parseTail(values.tail, usage);
  if (values['container-name'] !== undefined) {
    // Containers inside a group follow the same naming rule as the group.
    command.containerName = checked('--container-name', validateContainerGroupName(values['container-name']), usage);
  }
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env, usage);
  return command;
}

/**
 * Parses the words after `/aci list`: only `--env`.
 *
 * @throws UsageError (with the `/aci list` usage) for any mistake.
 */
export function parseAciList(tokens: string[]): AciListCommand {
  const usage = ACI_LIST_USAGE;
  const { values, positionals } = parseFlags(tokens, ACI_LIST_FLAGS, usage);
  const [first] = positionals;
  if (first !== undefined) throw new UsageError(`Unexpected ${quoted(first)}: /aci list takes only --env, e.g. /aci list --env staging.`, usage);
  const command: AciListCommand = { kind: 'aci.list' };
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env, usage);
  return command;
}

/** The `-n` name, checked; a bare word where `-n NAME` belongs gets pointed at `-n`. */
function requireName(subcommand: string, name: string | undefined, positionals: readonly string[], usage: string): string {
  const [first] = positionals;
  if (first !== undefined) {
    // az takes the name only with -n; show the fix when the word is a plausible name.
    const hint =
      name === undefined && validateContainerGroupName(first).ok ? ` Did you mean /aci ${subcommand} -n ${first}?` : ' Quote values that contain spaces.';
    throw new UsageError(`Unexpected ${quoted(first)}: /aci ${subcommand} takes only options.${hint}`, usage);
  }
  if (name === undefined) throw new UsageError(`Name the container group with -n, e.g. /aci ${subcommand} -n web.`, usage);
  return checked('-n', validateContainerGroupName(name), usage);
}
