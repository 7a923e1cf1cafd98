import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';
import { role } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';

/**
 * `/sp`: service-principal (app registration) client secrets. Listing and rotation happen in
 * jobs; these parsers only turn words into typed commands.
 */

export interface SpExpiringCommand {
  kind: 'sp.expiring';
  /** @defaultValue the largest alert threshold */
  days?: number;
}
export interface SpListCommand {
  kind: 'sp.list';
}
export interface SpShowCommand {
  kind: 'sp.show';
  app: string;
}
export interface SpRotateCommand {
  kind: 'sp.rotate';
  app: string;
  /** The secret to replace; default: the one in Key Vault (or the app's only one). */
  keyId?: string;
}
export type SpCommand = SpExpiringCommand | SpListCommand | SpShowCommand | SpRotateCommand;

export const SP_EXPIRING_USAGE =
  'Usage: `/sp expiring [--days N]` lists client secrets that expire within N days (default: the largest alert threshold), or have expired. Only you see the answer.';
export const SP_LIST_USAGE = 'Usage: `/sp list` lists the app registrations in scope with their nearest secret expiry. Only you see the answer.';
export const SP_SHOW_USAGE = 'Usage: `/sp show --app APP_ID|NAME` shows an app’s client secrets: key id, name and expiry (never values).';
export const SP_ROTATE_USAGE = [
  'Usage: `/sp rotate --app APP_ID|NAME [--key-id KEY_ID]`',
  'Adds a new client secret, stores it in the configured Key Vault secret, verifies that it signs in, redeploys the app’s consumers, and removes the old secret after the grace period. Admins only.',
].join('\n');
export const SP_USAGE = ['Usage: `/sp expiring|list|show|rotate …`', SP_EXPIRING_USAGE, SP_LIST_USAGE, SP_SHOW_USAGE, SP_ROTATE_USAGE].join('\n');

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
/** App display names: printable, no markup characters, up to 120 characters (Entra's limit). */
const APP_NAME = /^[^\u0000-\u001f<>&`*]{1,120}$/;

function appRef(text: string | undefined, usage: string): string {
  if (text === undefined) throw new UsageError('Name the app with --app, its application (client) id or exact name.', usage);
  if (GUID.test(text)) return text.toLowerCase();
  if (!APP_NAME.test(text))
    throw new UsageError(
      '--app takes an application (client) id like 22222222-2222-2222-2222-222222222222 or the app’s exact display name (quote it if it has spaces).',
      usage,
    );
  return text;
}

function noPositionals(positionals: readonly string[], usage: string): void {
  const [first] = positionals;
  if (first !== undefined) throw new UsageError(`Unexpected ${quoted(first)}: this command takes only options (quote values with spaces).`, usage);
}

const EXPIRING_FLAGS = [{ name: 'days', kind: 'integer', valueName: 'N' }] as const satisfies readonly FlagSpec[];
const APP_FLAGS = [{ name: 'app', kind: 'string', valueName: 'APP' }] as const satisfies readonly FlagSpec[];
const ROTATE_FLAGS = [...APP_FLAGS, { name: 'key-id', kind: 'string', valueName: 'KEY_ID' }] as const satisfies readonly FlagSpec[];

export function parseSpExpiring(tokens: string[]): SpExpiringCommand {
  const { values, positionals } = parseFlags(tokens, EXPIRING_FLAGS, SP_EXPIRING_USAGE);
  noPositionals(positionals, SP_EXPIRING_USAGE);
  if (values.days !== undefined && !(values.days >= 0 && values.days <= 730)) throw new UsageError('--days takes 0–730, e.g. --days 30.', SP_EXPIRING_USAGE);
  return { kind: 'sp.expiring', ...(values.days !== undefined && { days: values.days }) };
}

export function parseSpList(tokens: string[]): SpListCommand {
  const { positionals } = parseFlags(tokens, [], SP_LIST_USAGE);
  noPositionals(positionals, SP_LIST_USAGE);
  return { kind: 'sp.list' };
}

export function parseSpShow(tokens: string[]): SpShowCommand {
  const { values, positionals } = parseFlags(tokens, APP_FLAGS, SP_SHOW_USAGE);
  noPositionals(positionals, SP_SHOW_USAGE);
  return { kind: 'sp.show', app: appRef(values.app, SP_SHOW_USAGE) };
}

export function parseSpRotate(tokens: string[]): SpRotateCommand {
  const { values, positionals } = parseFlags(tokens, ROTATE_FLAGS, SP_ROTATE_USAGE);
  noPositionals(positionals, SP_ROTATE_USAGE);
  const keyId = values['key-id'];
  if (keyId !== undefined && !GUID.test(keyId)) throw new UsageError('--key-id takes a secret’s key id (a GUID, as /sp show lists them).', SP_ROTATE_USAGE);
  return { kind: 'sp.rotate', app: appRef(values.app, SP_ROTATE_USAGE), ...(keyId !== undefined && { keyId: keyId.toLowerCase() }) };
}

const SP_HELP = HELP_LINES.sp;
const spAdmins = role('admin', 'manage service principal credentials');

/** `/sp expiring|list|show|rotate`, declared once each. */
export const SP_SPECS = [
  defineCommand({
    command: '/sp',
    words: ['expiring'],
    flags: EXPIRING_FLAGS,
    usage: SP_EXPIRING_USAGE,
    help: SP_HELP,
    action: 'sp.expiring',
    requires: spAdmins,
    runsBare: true,
    parse: parseSpExpiring,
  }),
  defineCommand({
    command: '/sp',
    words: ['list'],
    flags: [],
    usage: SP_LIST_USAGE,
    help: SP_HELP,
    action: 'sp.list',
    requires: spAdmins,
    runsBare: true,
    parse: parseSpList,
  }),
  defineCommand({
    command: '/sp',
    words: ['show'],
    flags: APP_FLAGS,
    usage: SP_SHOW_USAGE,
    help: SP_HELP,
    action: 'sp.show',
    requires: spAdmins,
    parse: parseSpShow,
  }),
  defineCommand({
    command: '/sp',
    words: ['rotate'],
    flags: ROTATE_FLAGS,
    usage: SP_ROTATE_USAGE,
    help: SP_HELP,
    action: 'sp.rotate',
    requires: spAdmins,
    parse: parseSpRotate,
  }),
];
