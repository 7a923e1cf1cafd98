import { optionalEnvironment } from './acr-names.ts';
import { validateLocation } from '../validation/location.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';
import { role, type RoleRequirement } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';

/** `/acr show`, `/acr update`, `/acr replication …`: the registry resource itself, as `az acr show|update|replication`. */
export type AcrAdminCommand =
  | { kind: 'acr.show'; environment?: string }
  | { kind: 'acr.update'; adminEnabled: boolean; environment?: string }
  | { kind: 'acr.replication.create'; location: string; environment?: string }
  | { kind: 'acr.replication.list'; environment?: string }
  | { kind: 'acr.replication.delete'; location: string; environment?: string }
  | { kind: 'acr.replication.show'; location: string; environment?: string };

export const ACR_SHOW_USAGE = 'Usage: `/acr show [--env ENVIRONMENT]` shows the registry: SKU, login server, admin user, replications, zone redundancy.';
export const ACR_UPDATE_USAGE = [
  'Usage: `/acr update --admin-enabled true|false [--env ENVIRONMENT]` (admins).',
  'The admin user is one shared account for the whole registry: keep it off and use managed identities or repository-scoped tokens (`/acr token create`). Its password is never shown in Slack.',
].join('\n');
export const ACR_REPLICATION_USAGE = [
  'Usage: `/acr replication create --location LOCATION`, `/acr replication list`, `/acr replication show --location LOCATION`, `/acr replication delete --location LOCATION` (each with optional `--env ENVIRONMENT`).',
  'Geo-replicas need a Premium registry; create and delete are for admins, and delete asks for confirmation.',
  'Example: `/acr replication create --location japaneast`',
].join('\n');

const ENV_FLAG = { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' } as const;
const SHOW_FLAGS = [ENV_FLAG] as const satisfies readonly FlagSpec[];
const UPDATE_FLAGS = [{ name: 'admin-enabled', kind: 'string', valueName: 'true|false' }, ENV_FLAG] as const satisfies readonly FlagSpec[];
const REPLICATION_FLAGS = [{ name: 'location', short: 'l', kind: 'string', valueName: 'LOCATION' }, ENV_FLAG] as const satisfies readonly FlagSpec[];

function noPositionals(positionals: string[], what: string, usage: string): void {
  if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: ${what}.`, usage);
}

/** `Japan East`, `japan-east` and `japaneast` all mean ARM's `japaneast`. */
export function parseLocation(text: string, usage: string): string {
  const name = text.toLowerCase().replace(/[\s_-]+/g, '');
  if (!validateLocation(name).ok)
    throw new UsageError(`${quoted(text)} isn't an Azure location: use its name, e.g. --location japaneast or --location westeurope.`, usage);
  return name;
}

export function parseAcrShow(tokens: string[]): AcrAdminCommand {
  const { values, positionals } = parseFlags(tokens, SHOW_FLAGS, ACR_SHOW_USAGE);
  noPositionals(positionals, '/acr show takes only --env', ACR_SHOW_USAGE);
  return { kind: 'acr.show', ...optionalEnvironment(values.env, ACR_SHOW_USAGE) };
}

export function parseAcrUpdate(tokens: string[]): AcrAdminCommand {
  const { values, positionals } = parseFlags(tokens, UPDATE_FLAGS, ACR_UPDATE_USAGE);
  noPositionals(positionals, '/acr update takes --admin-enabled true|false', ACR_UPDATE_USAGE);
  const raw = values['admin-enabled'];
  if (raw === undefined)
    throw new UsageError('Say what to change: --admin-enabled true or --admin-enabled false is the setting /acr update changes.', ACR_UPDATE_USAGE);
  if (!/^(true|false)$/i.test(raw)) throw new UsageError(`--admin-enabled takes true or false, not ${quoted(raw)}.`, ACR_UPDATE_USAGE);
  return { kind: 'acr.update', adminEnabled: raw.toLowerCase() === 'true', ...optionalEnvironment(values.env, ACR_UPDATE_USAGE) };
}

export function parseAcrReplication(tokens: string[]): AcrAdminCommand {
  const [verb, ...rest] = tokens;
  const usage = ACR_REPLICATION_USAGE;
  const action = verb?.toLowerCase();
  if (action !== 'create' && action !== 'list' && action !== 'delete') {
    throw new UsageError(`${verb === undefined ? 'Say what to do' : `Unknown ${quoted(verb)}`}: /acr replication create, list or delete.`, usage);
  }
  const { values, positionals } = parseFlags(rest, REPLICATION_FLAGS, usage);
  noPositionals(positionals, 'give the location with --location', usage);
  if (action === 'list') {
    if (values.location !== undefined) throw new UsageError('/acr replication list lists every location; it takes no --location.', usage);
    return { kind: 'acr.replication.list', ...optionalEnvironment(values.env, usage) };
  }
  if (values.location === undefined) throw new UsageError(`Give the location with --location, e.g. /acr replication ${action} --location japaneast.`, usage);
  return { kind: `acr.replication.${action}`, location: parseLocation(values.location, usage), ...optionalEnvironment(values.env, usage) };
}

const replicationVerb = <V extends 'create' | 'list' | 'delete'>(verb: V, requires: RoleRequirement) =>
  defineCommand({
    command: '/acr',
    words: ['replication', verb],
    flags: REPLICATION_FLAGS,
    usage: ACR_REPLICATION_USAGE,
    help: verb === 'list' ? HELP_LINES.registryLook : HELP_LINES.registryChange,
    action: `acr.replication.${verb}`,
    requires,
    parse: (tokens) => parseAcrReplication([verb, ...tokens]),
  });

/** `/acr show|update|replication …`, declared once each. */
/** `/acr replication show --location L`: one geo-replica, as `az acr replication show`. */
export function parseAcrReplicationShow(tokens: string[]): Extract<AcrAdminCommand, { kind: 'acr.replication.show' }> {
  const usage = ACR_REPLICATION_USAGE;
  const { values, positionals } = parseFlags(tokens, REPLICATION_FLAGS, usage);
  noPositionals(positionals, 'give the location with --location', usage);
  if (values.location === undefined) throw new UsageError('Give the location with --location, e.g. /acr replication show --location japaneast.', usage);
  return { kind: 'acr.replication.show', location: parseLocation(values.location, usage), ...optionalEnvironment(values.env, usage) };
}

export const ACR_ADMIN_SPECS = [
  defineCommand({
    command: '/acr',
    words: ['show'],
    flags: SHOW_FLAGS,
    usage: ACR_SHOW_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.show',
    requires: role('viewer', 'see the registry'),
    runsBare: true,
    parse: parseAcrShow,
  }),
  defineCommand({
    command: '/acr',
    words: ['update'],
    flags: UPDATE_FLAGS,
    usage: ACR_UPDATE_USAGE,
    help: HELP_LINES.registryChange,
    action: 'acr.update',
    requires: role('admin', 'change registry settings'),
    parse: parseAcrUpdate,
  }),
  replicationVerb('create', role('admin', 'create registry replications')),
  replicationVerb('list', role('viewer', 'list registry replications')),
  replicationVerb('delete', role('admin', 'delete registry replications')),
  defineCommand({
    command: '/acr',
    words: ['replication', 'show'],
    flags: REPLICATION_FLAGS,
    usage: ACR_REPLICATION_USAGE,
    help: HELP_LINES.registryLook,
    action: 'acr.replication.show',
    requires: role('viewer', 'see registry replications'),
    parse: parseAcrReplicationShow,
    // Answered by the acr-query job's `replication` query: `az acr replication show`.
    query: { op: 'replication', title: (registry, c) => `Replication ${c.location} of ${registry}`, params: (c) => ({ location: c.location }) },
  }),
];
