import { invalid, shown, valid, type Validation } from './result.ts';

// Same rule and login-server handling as `parseRegistryName` in src/core/commands/acr-names.ts
// (the fuzz test checks the two agree), worded for any caller rather than for `-r`.
// Azure: Microsoft.ContainerRegistry/registries, 5–50 alphanumerics, globally unique.
const REGISTRY = /^[a-zA-Z0-9]{5,50}$/;
// People paste the login server; az strips the suffix, so do the same.
const LOGIN_SERVER_SUFFIX = /\.azurecr\.(io|cn|us)$/i;

const RULE = 'Registry names are 5–50 letters and digits (no - or _), e.g. contosoreg';

/**
 * Checks an Azure Container Registry name, or its login server (`contosoreg.azurecr.io`).
 *
 * @returns the registry name in lowercase: ACR names are case-insensitive, and one spelling
 * keeps job data, logs and comparisons consistent.
 */
export function validateRegistryName(text: string): Validation<string> {
  const name = text.replace(LOGIN_SERVER_SUFFIX, '');
  if (REGISTRY.test(name)) return valid(name.toLowerCase());
  const length = Array.from(name).length;
  const detail = /^[a-zA-Z0-9]*$/.test(name) && name !== '' ? `, ${length} characters` : '';
  return invalid(`${RULE} (got ${shown(text)}${detail}).`);
}
