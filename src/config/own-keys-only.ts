/**
 * A deep copy of the parsed config in which every mapping has a null prototype.
 *
 * Config maps are looked up by what users type (`--env constructor`, a role, a channel, a
 * token name), and on an ordinary object `map['constructor']` or `map['toString']` finds
 * Object.prototype's function: a truthy "environment" with no approval and no policy. With
 * no prototype there is nothing to find but the file's own keys, for every map, including
 * the ones added after this was written. Arrays stay arrays.
 */
export function withOwnKeysOnly<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withOwnKeysOnly) as T;
  if (!isPlainObject(value)) return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) copy[key] = withOwnKeysOnly(v);
  return copy as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
