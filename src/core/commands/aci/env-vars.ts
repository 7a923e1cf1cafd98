import { validateEnvVarName } from '../../validation/index.ts';
import { UsageError } from '../errors.ts';
import type { KeyValue } from '../flags.ts';
import { checked } from './values.ts';

/** A plain environment variable, visible in the container group's definition. */
export interface AciEnvironmentVariable {
  name: string;
  value: string;
}

/** A secure environment variable whose value is read from the environment's Key Vault at deploy time. */
export interface AciSecureEnvironmentVariable {
  name: string;
  /** Key Vault secret name, from `@kv:<secret-name>`. */
  secretName: string;
}

/** Prefix of a Key Vault reference in `--secure-environment-variables NAME=@kv:secret-name`. */
export const KEY_VAULT_PREFIX = '@kv:';
/** Key Vault secret names: 1–127 letters, digits and `-`. */
export const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
// Tabs and line breaks may be meant; other control characters are paste accidents.
const VALUE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** `--environment-variables K=V …`: valid, distinct names; values are anything printable. */
export function parseEnvironmentVariables(pairs: readonly KeyValue[], usage: string): AciEnvironmentVariable[] {
  const seen = new Set<string>();
  return pairs.map(({ key, value }) => {
    const name = checked('--environment-variables', validateEnvVarName(key), usage);
    // ACI would keep one silently; refusing the clash is clearer in chat.
    if (seen.has(name)) throw new UsageError(`--environment-variables ${name} was given more than once; give each name once.`, usage);
    seen.add(name);
    if (VALUE_CONTROL.test(value)) throw new UsageError(`The value of environment variable ${name} has control characters; remove them.`, usage);
    return { name, value };
  });
}

const SECURE_FORM = `NAME=${KEY_VAULT_PREFIX}SECRET-NAME, e.g. --secure-environment-variables DB_PASSWORD=${KEY_VAULT_PREFIX}db-password`;

/**
 * `--secure-environment-variables NAME=@kv:secret-name …`. Every word here may hold a secret
 * someone pasted by mistake, so no error echoes any part of it except a valid variable name.
 */
export function parseSecureEnvironmentVariables(words: readonly string[], usage: string): AciSecureEnvironmentVariable[] {
  const seen = new Set<string>();
  return words.map((word) => {
    const eq = word.indexOf('=');
    const key = eq === -1 ? '' : word.slice(0, eq);
    if (!validateEnvVarName(key).ok) {
      // The text before '=' may itself be the secret, so the rule is stated without it.
      throw new UsageError(
        `Each --secure-environment-variables value is ${SECURE_FORM} (variable names are letters, digits and '_', not starting with a digit).`,
        usage,
      );
    }
    if (seen.has(key)) throw new UsageError(`--secure-environment-variables ${key} was given more than once; give each name once.`, usage);
    seen.add(key);
    const value = word.slice(eq + 1);
    if (!value.startsWith(KEY_VAULT_PREFIX)) {
      throw new UsageError(
        `${key} must be a Key Vault reference, not a value: chat history is not a secret store, so put the secret in the environment's Key Vault (and rotate it if it was real) and write ${key}=${KEY_VAULT_PREFIX}SECRET-NAME, e.g. ${key}=${KEY_VAULT_PREFIX}db-password.`,
        usage,
      );
    }
    const secretName = value.slice(KEY_VAULT_PREFIX.length);
    if (!SECRET_NAME.test(secretName)) {
      throw new UsageError(`${key}: Key Vault secret names are 1–127 letters, digits and '-', e.g. ${key}=${KEY_VAULT_PREFIX}db-password.`, usage);
    }
    return { name: key, secretName };
  });
}
