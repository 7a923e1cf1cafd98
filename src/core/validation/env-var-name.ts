import { invalid, shown, valid, type Validation } from './result.ts';

// POSIX shell-portable names, which is what containers' entrypoint scripts can read back.
// Assumed limit: ACI documents none for environmentVariables[].name; 256 keeps names sane
// and matches what other Azure compute APIs commonly cap names at.
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_LENGTH = 256;

const RULE = "Environment variable names are letters, digits and '_', not starting with a digit, up to 256 characters, e.g. APP_VERSION";

/** Checks an environment variable name (for ACI containers); returns it unchanged, case kept. */
export function validateEnvVarName(text: string): Validation<string> {
  if (text.length <= MAX_LENGTH && NAME.test(text)) return valid(text);
  // `my-var` is the usual slip; '_' is what was meant.
  const fixed = text.replace(/-/g, '_');
  const hint = fixed !== text && fixed.length <= MAX_LENGTH && NAME.test(fixed) ? `; did you mean ${shown(fixed)}?` : '';
  return invalid(`${RULE} (got ${shown(text)})${hint === '' ? '.' : hint}`);
}
