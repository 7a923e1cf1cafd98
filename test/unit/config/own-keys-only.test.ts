import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { resolveEnvironment } from '../../../src/core/environments.ts';
import { UserFacingError } from '../../../src/core/errors.ts';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };
const config = loadConfig(env, () => readFileSync('chatops.example.yaml', 'utf8'));
const prototypeKeys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

/** Every mapping in a loaded value, with its path. */
function mappings(value: unknown, path = 'file'): [string, object][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => mappings(v, `${path}.${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return [[path, value], ...Object.entries(value).flatMap(([k, v]) => mappings(v, `${path}.${k}`))];
}

describe('lookups keyed by what a user typed', () => {
  it.each(prototypeKeys)('resolveEnvironment does not find "%s"', (name) => {
    // A plain object literal, as a test or a caller might build it: the lookup itself must use own keys.
    const environments = { dev: config.environments.dev! };
    expect(() => resolveEnvironment({ defaultEnvironment: 'dev', environments }, name, 'C0NONE')).toThrow(UserFacingError);
    expect(() => resolveEnvironment({ defaultEnvironment: 'dev', environments }, name, 'C0NONE')).toThrow(`There is no environment called "${name}"`);
  });

  it('every mapping of the loaded config has only its own keys, so no map lookup can reach Object.prototype', () => {
    const all = mappings(config.file);
    expect(all.length).toBeGreaterThan(10);
    for (const [path, map] of all) {
      for (const key of prototypeKeys) expect((map as Record<string, unknown>)[key], `${path}[${key}]`).toBeUndefined();
    }
    expect(config.environments.constructor).toBeUndefined();
    expect(config.access.roles.constructor).toBeUndefined();
    expect(config.access.channels.toString).toBeUndefined();
  });

  it('keeps the loaded values usable: spread, JSON and equality', () => {
    expect(JSON.parse(JSON.stringify(config.environments.dev))).toEqual({ ...config.environments.dev });
    expect(config.environments.dev).toEqual({
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'rg-dev',
      location: 'eastus',
      registry: 'contosodev',
      buildRegistries: ['contososhared'],
      channels: ['C0DEV'],
      policy: { publicIp: true },
      tasks: { buildwebapp: { channel: 'C0DEV', deploy: { group: 'web' } } },
    });
  });
});
