import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';
import { fileSchema } from '../../../src/config/file.ts';
import { describeUnknownKey, findUnknownKeys } from '../../../src/config/unknown-keys.ts';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };
const base = parseYaml(readFileSync('chatops.example.yaml', 'utf8')) as Record<string, unknown>;

type Segment = string | number;
/** One step into the YAML: a key of a mapping or record, or an index into a list. */
type Step = { segment: Segment; in: 'object' | 'record' | 'array' };

/** Every path in the schema where the YAML holds a mapping with fixed keys; found by walking the schema itself. */
function objectPaths(schema: z.core.$ZodType, path: Step[] = [], seen = new Set<unknown>()): Step[][] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (seen.has(schema)) return []; // a recursive (lazy) schema: its paths were listed once already
  const next = new Set(seen).add(schema);
  const walk = (s: unknown, p = path) => objectPaths(s as z.core.$ZodType, p, next);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      return walk(def.innerType);
    case 'pipe':
      return [...walk(def.in), ...walk(def.out)];
    case 'lazy':
      return walk((def.getter as () => unknown)());
    case 'union':
      return (def.options as unknown[]).flatMap((o) => walk(o));
    case 'array':
      return walk(def.element, [...path, { segment: 0, in: 'array' }]);
    case 'record':
      return walk(def.valueType, [...path, { segment: 'somename', in: 'record' }]);
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return [path, ...Object.entries(shape).flatMap(([key, s]) => walk(s, [...path, { segment: key, in: 'object' }]))];
    }
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'transform':
    case 'custom':
      return [];
    default:
      // A new kind of schema: say so rather than silently skip the keys below it.
      throw new Error(`objectPaths does not know zod's "${def.type}" yet; teach it, so keys under it are checked too`);
  }
}

/** A copy of `doc` with `zzUnknown: 1` added to the mapping at `path`, creating what is missing on the way. */
function withUnknownKeyAt(doc: unknown, path: readonly Step[]): unknown {
  const copy = structuredClone(doc) as Record<Segment, unknown>;
  let at = copy;
  for (const [i, { segment }] of path.entries()) {
    const holdsArray = path[i + 1]?.in === 'array';
    const existing = at[segment];
    if (holdsArray ? !Array.isArray(existing) : existing === null || typeof existing !== 'object') at[segment] = holdsArray ? [{}] : {};
    at = at[segment] as Record<Segment, unknown>;
  }
  at.zzUnknown = 1;
  return copy;
}

function problems(yaml: unknown): string[] {
  try {
    loadConfig(env, () => JSON.stringify(yaml));
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

const dotted = (path: readonly Step[]) => path.map((s) => s.segment).join('.');
const paths = [...new Map(objectPaths(fileSchema).map((p) => [dotted(p), p])).values()];

describe('unknown keys in chatops.yaml', () => {
  it('finds the schema’s nested sections (the walk below is not vacuous)', () => {
    const names = paths.map(dotted);
    for (const expected of [
      '',
      'environments.somename',
      'environments.somename.approval',
      'environments.somename.policy',
      'environments.somename.registryCredentials',
      'access',
      'access.roles.somename',
      'access.team',
      'access.rateLimit',
      'credentials',
      'credentials.applications.0',
      'credentials.applications.0.consumers.0',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(paths.map((p) => [dotted(p) || '(top level)', p] as const))('refuses an unknown key in %s, naming its full path', (_name, path) => {
    const doc = withUnknownKeyAt(base, path);
    const where = [...path.map((s) => String(s.segment)), 'zzUnknown'].join('.');
    const found = problems(doc);
    expect(found.join('\n')).toContain(`c.yaml: ${where}: unknown key`);
  });

  it('suggests the key that was probably meant, and reports every problem at once', () => {
    const doc = structuredClone(base) as { environments: { prod: Record<string, unknown> }; access: Record<string, unknown> };
    doc.environments.prod.approvals = doc.environments.prod.approval;
    delete doc.environments.prod.approval;
    doc.environments.prod.polcy = { publicIp: false };
    (doc.access.rateLimit as Record<string, unknown>).perMinut = 5;
    const found = problems(doc);
    expect(found).toContain('c.yaml: environments.prod.approvals: unknown key; did you mean "approval"?');
    expect(found).toContain('c.yaml: environments.prod.polcy: unknown key; did you mean "policy"?');
    expect(found).toContain('c.yaml: access.rateLimit.perMinut: unknown key; did you mean "perMinute"?');
  });

  it('lists the keys that are allowed when nothing is close', () => {
    const doc = structuredClone(base) as { environments: { dev: Record<string, unknown> } };
    doc.environments.dev.wibble = true;
    expect(problems(doc).join('\n')).toMatch(
      /environments\.dev\.wibble: unknown key; the keys here are subscriptionId, resourceGroup, location, registry, .*approval, policy/,
    );
  });
});

describe('findUnknownKeys', () => {
  // A section as another engineer might add it tomorrow: plain z.object (which strips unknown
  // keys), .loose() (which keeps them), inside every kind of wrapper.
  const later = z.strictObject({
    plain: z.object({ a: z.string() }).optional(),
    loose: z.object({ a: z.string() }).loose().default({ a: 'x' }),
    byName: z.record(z.string(), z.object({ hosts: z.array(z.string()) })),
    list: z.array(z.object({ name: z.string() })).prefault([]),
    either: z.union([z.object({ identity: z.string() }), z.object({ username: z.string(), passwordSecret: z.string() })]).optional(),
    transformed: z
      .object({ days: z.number() })
      .transform((o) => o.days * 86_400_000)
      .optional(),
    preprocessed: z.preprocess((v) => v, z.object({ on: z.boolean() })).optional(),
    typedExtras: z
      .object({ fixed: z.string() })
      .catchall(z.object({ on: z.boolean() }))
      .optional(),
  });
  const keysOf = (value: unknown) => findUnknownKeys(later, value).map(describeUnknownKey);

  it('finds unknown keys in objects that do not declare themselves strict, at any depth', () => {
    expect(
      keysOf({
        plain: { a: 'x', b: 1 },
        loose: { a: 'x', aa: 1 },
        byName: { github: { hosts: [], host: 'x' } },
        list: [{ name: 'a' }, { name: 'b', nmae: 'c' }],
        transformed: { days: 1, dyas: 2 },
        preprocessed: { on: true, off: false },
        typedExtras: { fixed: 'x', extra: { on: true, of: 1 } },
        top: 1,
      }),
    ).toEqual([
      'plain.b: unknown key; the keys here are a',
      'loose.aa: unknown key; the keys here are a',
      'byName.github.host: unknown key; did you mean "hosts"?',
      'list.1.nmae: unknown key; did you mean "name"?',
      'transformed.dyas: unknown key; did you mean "days"?',
      'preprocessed.off: unknown key; the keys here are on',
      'typedExtras.extra.of: unknown key; the keys here are on',
      'top: unknown key; the keys here are plain, loose, byName, list, either, transformed, preprocessed, typedExtras',
    ]);
  });

  it('judges a union by the option that parses, and otherwise reports only keys no option knows', () => {
    expect(keysOf({ either: { identity: 'id', username: 'u' } })).toEqual(['either.username: unknown key; the keys here are identity']);
    expect(keysOf({ either: { identiy: 'id' } })).toEqual(['either.identiy: unknown key; did you mean "identity"?']);
    expect(keysOf({ either: { username: 'u', passwordSecret: 's' } })).toEqual([]);
  });

  it('quotes keys that could garble the message', () => {
    expect(keysOf({ 'a b\u202e': 1 })[0]).toMatch(/^"a b\\u202e": unknown key/);
  });
});
