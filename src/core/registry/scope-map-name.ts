import { createHash } from 'node:crypto';

/** ARM's rule for scope map names (Registry spec, parameter `scopeMapName`): 5–50 of `[a-zA-Z0-9-_]`. */
const MAX_LENGTH = 50;
const SUFFIX = '-scope-map';

/**
 * The scope map a token created here gets: `<token>-scope-map`, as `az acr token create` names
 * it, when that fits ARM's 50 characters; for longer token names, the name cut short plus a
 * hash of the whole name, so two long names sharing a prefix never share a map. A function of
 * the token name alone, so rotation and clean-up find the map again (the token's `scopeMapId`
 * names it too). Token names (5–50 of `[a-zA-Z0-9-]`) only use characters scope maps allow.
 */
export function scopeMapNameOf(token: string): string {
  const plain = `${token}${SUFFIX}`;
  if (plain.length <= MAX_LENGTH) return plain;
  const hash = createHash('sha256').update(token.toLowerCase()).digest('hex').slice(0, 8);
  return `${token.slice(0, MAX_LENGTH - SUFFIX.length - hash.length - 1)}-${hash}${SUFFIX}`;
}
