import type { z } from 'zod';
import { quoted } from '../core/commands/quoted.ts';
import { closestMatch } from '../core/commands/suggest.ts';

/** A key the schema does not define, where it was found, and the key it most likely meant. */
export interface UnknownKey {
  path: readonly (string | number)[];
  key: string;
  /** The close match among the keys allowed there, if any. */
  suggestion?: string;
  /** Every key allowed there, for a message when nothing is close. */
  allowed: readonly string[];
}

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/**
 * Every key of `value` that `schema` does not define, at any depth, found by walking the
 * schema alongside the parsed YAML.
 *
 * This is what makes the config strict, whatever each object schema says: `z.object` strips
 * unknown keys silently and `.loose()` keeps them, and either would let a typo
 * (`approvals:` for `approval:`) switch a safeguard off without a word. Walking the schema
 * instead of relying on each object's mode means a section added later is covered without
 * its author doing anything. Open-ended maps are `z.record`, whose keys are data, not
 * settings.
 */
export function findUnknownKeys(schema: z.core.$ZodType, value: unknown, path: readonly (string | number)[] = []): UnknownKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      return findUnknownKeys(def.innerType as z.core.$ZodType, value, path);
    case 'lazy':
      return findUnknownKeys((def.getter as () => z.core.$ZodType)(), value, path);
    case 'pipe': {
      // The YAML is the pipe's input, unless the input side is a bare transform (z.preprocess).
      const input = def.in as z.core.$ZodType;
      return findUnknownKeys(defOf(input).type === 'transform' ? (def.out as z.core.$ZodType) : input, value, path);
    }
    case 'object':
      return isMapping(value) ? objectKeys(def, value, path) : [];
    case 'record':
      return isMapping(value) ? Object.entries(value).flatMap(([k, v]) => findUnknownKeys(def.valueType as z.core.$ZodType, v, [...path, k])) : [];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => findUnknownKeys(def.element as z.core.$ZodType, v, [...path, i])) : [];
    case 'tuple': {
      if (!Array.isArray(value)) return [];
      const items = def.items as z.core.$ZodType[];
      const rest = def.rest as z.core.$ZodType | null;
      return value.flatMap((v, i) => {
        const item = items[i] ?? rest;
        return item ? findUnknownKeys(item, v, [...path, i]) : [];
      });
    }
    case 'union':
      return unionKeys(def.options as z.core.$ZodType[], value, path);
    case 'intersection':
      // A key either side knows is known: report what both sides find unknown.
      return unknownInAll([def.left as z.core.$ZodType, def.right as z.core.$ZodType], value, path);
    default:
      return [];
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectKeys(def: Def, value: Record<string, unknown>, path: readonly (string | number)[]): UnknownKey[] {
  const shape = def.shape as Record<string, z.core.$ZodType>;
  const allowed = Object.keys(shape);
  // A typed catchall (`.catchall(z.string())`) makes extra keys data; `.loose()`'s z.unknown() does not.
  const catchall = def.catchall as z.core.$ZodType | undefined;
  const open = catchall !== undefined && !['never', 'unknown', 'any'].includes(defOf(catchall).type);
  return Object.entries(value).flatMap(([key, v]): UnknownKey[] => {
    if (Object.hasOwn(shape, key)) return findUnknownKeys(shape[key]!, v, [...path, key]);
    if (open) return findUnknownKeys(catchall, v, [...path, key]);
    const suggestion = closestMatch(key, allowed);
    return [{ path, key, allowed, ...(suggestion !== undefined && { suggestion }) }];
  });
}

/**
 * The option zod picks (the first that parses) decides which keys belong. When none parses,
 * zod reports the union's failure itself; here only keys no option knows are reported, so
 * `{ identity, username }` is a union error, not "unknown key".
 */
function unionKeys(options: z.core.$ZodType[], value: unknown, path: readonly (string | number)[]): UnknownKey[] {
  const chosen = options.find((o) => (o as z.ZodType).safeParse(value).success);
  return chosen ? findUnknownKeys(chosen, value, path) : unknownInAll(options, value, path);
}

function unknownInAll(schemas: z.core.$ZodType[], value: unknown, path: readonly (string | number)[]): UnknownKey[] {
  const [first, ...others] = schemas.map((s) => findUnknownKeys(s, value, path));
  const id = (u: UnknownKey) => JSON.stringify([...u.path, u.key]);
  const inOthers = others.map((list) => new Set(list.map(id)));
  return (first ?? [])
    .filter((u) => inOthers.every((ids) => ids.has(id(u))))
    .map((u) => {
      // Suggest from every option's keys: `identiy` is a typo of one option's `identity`.
      const allowed = [...new Set([u.allowed, ...others.flatMap((list) => list.filter((o) => id(o) === id(u)).map((o) => o.allowed))].flat())];
      const suggestion = closestMatch(u.key, allowed);
      return { path: u.path, key: u.key, allowed, ...(suggestion !== undefined && { suggestion }) };
    });
}

/** `environments.prod.approvals: unknown key; did you mean "approval"?`, with odd keys quoted. */
export function describeUnknownKey(u: UnknownKey): string {
  const where = [...u.path, u.key].map(segment).join('.');
  return u.suggestion !== undefined
    ? `${where}: unknown key; did you mean "${u.suggestion}"?`
    : `${where}: unknown key; ${u.allowed.length > 0 ? `the keys here are ${u.allowed.join(', ')}` : 'nothing goes here'}`;
}

function segment(part: string | number): string {
  const text = String(part);
  return /^[\w-]{1,64}$/.test(text) ? text : quoted(text);
}
