import { parseEnvironmentName } from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { quoted } from './quoted.ts';

/** A parsed `/acr token rotate`: rotate a repository-scoped token's password. */
export interface AcrTokenRotateCommand {
  kind: 'acr.token.rotate';
  token: string;
  environment?: string;
}

export const ACR_TOKEN_USAGE = [
  'Usage: `/acr token rotate --name TOKEN [--env ENVIRONMENT]`',
  'Regenerates the token password not in use, stores it in Key Vault (secret acr-token-<registry>-<token>), verifies it signs in, and removes the other password after the grace period. Admins only.',
].join('\n');

export const ACR_TOKEN_FLAGS = [
  { name: 'name', short: 'n', kind: 'string', valueName: 'TOKEN' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
] as const satisfies readonly FlagSpec[];

// ACR token names: 5–50 letters, digits and '-'.
const TOKEN_NAME = /^[a-zA-Z0-9-]{5,50}$/;

/**
 * Parses the words after `/acr token`: `rotate` and its flags.
 *
 * @throws UsageError (with the `/acr token` usage) for any mistake.
 */
export function parseAcrToken(tokens: string[]): AcrTokenRotateCommand {
  const [verb, ...rest] = tokens;
  if (verb?.toLowerCase() !== 'rotate') throw new UsageError(`${verb === undefined ? 'Say what to do' : `Unknown ${quoted(verb)}`}: /acr token rotate is the only action.`, ACR_TOKEN_USAGE);
  const { values, positionals } = parseFlags(rest, ACR_TOKEN_FLAGS, ACR_TOKEN_USAGE);
  const [first] = positionals;
  if (first !== undefined) throw new UsageError(`Unexpected ${quoted(first)}: give the token with --name.`, ACR_TOKEN_USAGE);
  if (values.name === undefined) throw new UsageError('Name the token with --name, e.g. /acr token rotate --name ci-pull.', ACR_TOKEN_USAGE);
  if (!TOKEN_NAME.test(values.name)) throw new UsageError('Token names are 5–50 letters, digits and -.', ACR_TOKEN_USAGE);
  return { kind: 'acr.token.rotate', token: values.name, ...(values.env !== undefined && { environment: parseEnvironmentName(values.env, ACR_TOKEN_USAGE) }) };
}
