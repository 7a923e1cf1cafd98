import { optionalEnvironment, REPOSITORY_NAME } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';
import { role } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';

/** What a repository-scoped token may do in one repository (ACR scope map actions). */
export const REPOSITORY_ACTIONS = ['content/read', 'content/write', 'content/delete', 'metadata/read', 'metadata/write'] as const;
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number];

/** `/acr token rotate|create|list`: repository-scoped tokens, as `az acr token …`. */
export type AcrTokenCommand =
  | { kind: 'acr.token.rotate'; token: string; environment?: string }
  | {
      kind: 'acr.token.create';
      token: string;
      repositories: { repository: string; actions: RepositoryAction[] }[];
      expirationDays: number;
      environment?: string;
    }
  | { kind: 'acr.token.list'; environment?: string };
export type AcrTokenRotateCommand = Extract<AcrTokenCommand, { kind: 'acr.token.rotate' }>;
export type AcrTokenCreateCommand = Extract<AcrTokenCommand, { kind: 'acr.token.create' }>;

/** Password lifetime when `--expiration-in-days` is not given: a token that never expires is forgotten. */
export const DEFAULT_TOKEN_EXPIRATION_DAYS = 90;
const MAX_TOKEN_EXPIRATION_DAYS = 730;

export const ACR_TOKEN_USAGE = [
  'Usage: `/acr token create --name TOKEN --repository REPO ACTION [ACTION…] [--repository …] [--expiration-in-days 90]`, `/acr token list`, `/acr token rotate --name TOKEN` (each with optional `--env ENVIRONMENT`; admins).',
  `Actions: ${REPOSITORY_ACTIONS.join(', ')}. The password goes into Key Vault (secret acr-token-<registry>-<token>), never into Slack; rotate regenerates the unused password, verifies it signs in, and removes the other after the grace period.`,
  'Example: `/acr token create --name ci-pull --repository web content/read metadata/read --expiration-in-days 30`',
].join('\n');

export const ACR_TOKEN_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'TOKEN' },
  { name: 'repository', kind: 'string', repeatable: true, multiple: true, valueName: 'REPO ACTION…' },
  { name: 'expiration-in-days', kind: 'integer', valueName: 'DAYS' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

// ACR token names: 5–50 letters, digits and '-'.
const TOKEN_NAME = /^[a-zA-Z0-9-]{5,50}$/;
const REPOSITORY_EXAMPLE = '--repository web content/read metadata/read';

function tokenName(text: string | undefined, verb: string, usage: string): string {
  if (text === undefined) throw new UsageError(`Name the token with --name, e.g. /acr token ${verb} --name ci-pull.`, usage);
  if (!TOKEN_NAME.test(text)) throw new UsageError('Token names are 5–50 letters, digits and -.', usage);
  return text;
}

/**
 * `--repository REPO ACTION…`, repeatable, as az takes it. The flag parser flattens repeated
 * multi-word flags, so the groups are cut here from the raw words.
 */
function repositoryGroups(tokens: readonly string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] | undefined;
  for (const word of tokens) {
    if (/^(--repository|—repository)(=|$)/.test(word)) {
      current = word.includes('=') ? [word.slice(word.indexOf('=') + 1)] : [];
      groups.push(current);
    } else if (word.startsWith('-')) current = undefined;
    else current?.push(word);
  }
  return groups;
}

function parseCreate(rest: string[], usage: string): AcrTokenCommand {
  const { values, positionals } = parseFlags(rest, ACR_TOKEN_FLAGS, usage);
  if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: give the token with --name.`, usage);
  const token = tokenName(values.name, 'create', usage);
  const groups = repositoryGroups(rest);
  if (groups.length === 0) throw new UsageError(`Say what the token may do with --repository, e.g. ${REPOSITORY_EXAMPLE}.`, usage);
  const seen = new Set<string>();
  const repositories = groups.map(([repository, ...actions]) => {
    if (repository === undefined || !REPOSITORY_NAME.test(repository))
      throw new UsageError(
        `${quoted(repository ?? '')} isn't a repository name: lowercase letters, digits, and / between parts, e.g. ${REPOSITORY_EXAMPLE}.`,
        usage,
      );
    if (seen.has(repository)) throw new UsageError(`--repository ${repository} was given twice; list all its actions once.`, usage);
    seen.add(repository);
    if (actions.length === 0) throw new UsageError(`Give the actions for ${repository}, e.g. ${REPOSITORY_EXAMPLE}.`, usage);
    const checked = actions.map((a) => {
      const action = REPOSITORY_ACTIONS.find((known) => known === a.toLowerCase());
      if (!action) throw new UsageError(`${quoted(a)} isn't a repository action: use ${REPOSITORY_ACTIONS.join(', ')}.`, usage);
      return action;
    });
    return { repository, actions: [...new Set(checked)] };
  });
  const days = values['expiration-in-days'] ?? DEFAULT_TOKEN_EXPIRATION_DAYS;
  if (!(days >= 1 && days <= MAX_TOKEN_EXPIRATION_DAYS))
    throw new UsageError(`--expiration-in-days takes 1–${MAX_TOKEN_EXPIRATION_DAYS}; rotate with /acr token rotate before it runs out.`, usage);
  return { kind: 'acr.token.create', token, repositories, expirationDays: days, ...optionalEnvironment(values.env, usage) };
}

/**
 * Parses the words after `/acr token`.
 *
 * @throws UsageError (with the `/acr token` usage) for any mistake.
 */
export function parseAcrToken(tokens: string[]): AcrTokenCommand {
  const [verb, ...rest] = tokens;
  const usage = ACR_TOKEN_USAGE;
  switch (verb?.toLowerCase()) {
    case 'create':
      return parseCreate(rest, usage);
    case 'list': {
      const { values, positionals } = parseFlags(rest, ACR_TOKEN_FLAGS, usage);
      if (positionals[0] !== undefined || values.name !== undefined || values.repository !== undefined)
        throw new UsageError('/acr token list takes only --env.', usage);
      return { kind: 'acr.token.list', ...optionalEnvironment(values.env, usage) };
    }
    case 'rotate': {
      const { values, positionals } = parseFlags(rest, ACR_TOKEN_FLAGS, usage);
      if (positionals[0] !== undefined) throw new UsageError(`Unexpected ${quoted(positionals[0])}: give the token with --name.`, usage);
      if (values.repository !== undefined || values['expiration-in-days'] !== undefined)
        throw new UsageError('/acr token rotate takes only --name and --env.', usage);
      return { kind: 'acr.token.rotate', token: tokenName(values.name, 'rotate', usage), ...optionalEnvironment(values.env, usage) };
    }
    default:
      throw new UsageError(`${verb === undefined ? 'Say what to do' : `Unknown ${quoted(verb)}`}: /acr token create, list or rotate.`, usage);
  }
}

const tokenAdmins = role('admin', 'manage registry tokens');

/** `/acr token create|list|rotate`, declared once each. */
export const ACR_TOKEN_SPECS = (['create', 'list', 'rotate'] as const).map((verb) =>
  defineCommand({
    command: '/acr',
    words: ['token', verb],
    flags: ACR_TOKEN_FLAGS,
    usage: ACR_TOKEN_USAGE,
    help: HELP_LINES.tokens,
    action: `acr.token.${verb}`,
    requires: tokenAdmins,
    parse: (tokens: string[]) => parseAcrToken([verb, ...tokens]),
  }),
);
