import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const yaml = `
defaultEnvironment: dev
environments:
  dev:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    resourceGroup: rg-dev
    location: eastus
    registry: contosodev
    channels: [C0DEV]
`;
const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('takes TLS and credentials in REDIS_URL, an install prefix, and Entra sign-in only over TLS without a password', () => {
    const c = loadConfig({ ...env, REDIS_URL: 'rediss://ops:s3cret@cache.example:6380/2', CHATOPS_REDIS_PREFIX: '{acme}' }, () => yaml);
    expect(c.redis).toEqual({ url: 'rediss://ops:s3cret@cache.example:6380/2', prefix: '{acme}', entraAuth: false });
    expect(loadConfig({ ...env, REDIS_URL: 'rediss://cache.example:6380', REDIS_ENTRA_AUTH: 'true' }, () => yaml).redis.entraAuth).toBe(true);
    const found = problems(() => loadConfig({ ...env, REDIS_URL: 'http://cache.example', CHATOPS_REDIS_PREFIX: 'a:b', REDIS_ENTRA_AUTH: 'yes' }, () => yaml));
    expect(found.join('\n')).toMatch(/REDIS_URL: must start with redis:\/\/ or rediss:\/\//);
    expect(found.join('\n')).toMatch(/CHATOPS_REDIS_PREFIX: must be letters, digits/);
    expect(found.join('\n')).toMatch(/REDIS_ENTRA_AUTH: must be true or false/);
    expect(problems(() => loadConfig({ ...env, REDIS_URL: 'redis://cache.example:6379', REDIS_ENTRA_AUTH: 'true' }, () => yaml)).join('\n')).toMatch(
      /needs TLS: use rediss:\/\//,
    );
    expect(problems(() => loadConfig({ ...env, REDIS_URL: 'rediss://u:pw@cache.example:6380', REDIS_ENTRA_AUTH: 'true' }, () => yaml)).join('\n')).toMatch(
      /remove the password/,
    );
  });

  it('applies the documented defaults', () => {
    const c = loadConfig(env, () => yaml);
    expect(c.port).toBe(3000);
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'chatops', entraAuth: false });
    expect(c.role).toBe('all');
    expect(c.worker.pollIntervalMs).toBe(5000);
    expect(c.azure.endpoints).toMatchObject({
      authorityHost: 'https://login.microsoftonline.com',
      resourceManager: 'https://management.azure.com',
      graph: 'https://graph.microsoft.com',
      instanceDiscovery: true,
    });
    expect(c.environments.dev?.registry).toBe('contosodev');
  });

  it('derives endpoints from AZURE_CLOUD and lets each be overridden', () => {
    const china = loadConfig({ ...env, AZURE_CLOUD: 'AzureChinaCloud' }, () => yaml);
    expect(china.azure.endpoints.resourceManager).toBe('https://management.chinacloudapi.cn');
    expect(china.azure.endpoints.authorityHost).toBe('https://login.chinacloudapi.cn');
    expect(china.azure.endpoints.instanceDiscovery).toBe(true);
    const local = loadConfig(
      { ...env, AZURE_AUTHORITY_HOST: 'https://localhost:8443/', AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://localhost:8443' },
      () => yaml,
    );
    expect(local.azure.endpoints.authorityHost).toBe('https://localhost:8443');
    expect(local.azure.endpoints.instanceDiscovery).toBe(false);
    expect(local.azure.endpoints.resourceManager).toBe('https://localhost:8443');
  });

  it('reports every problem at once, each saying what to fix', () => {
    const found = problems(() =>
      loadConfig(
        { CHATOPS_CONFIG: 'c.yaml', PORT: 'eighty', AZURE_CLIENT_SECRET: 'x', AZURE_AUTHORITY_HOST: 'http://insecure' },
        () => `
defaultEnvironment: qa
environments:
  dev: { subscriptionId: nope, resourceGroup: rg, location: East US }
`,
      ),
    );
    const text = found.join('\n');
    expect(text).toMatch(/SLACK_BOT_TOKEN/);
    expect(text).toMatch(/SLACK_SIGNING_SECRET.*Socket Mode/);
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/AZURE_CLIENT_SECRET.*AZURE_TENANT_ID/);
    expect(text).toMatch(/AZURE_AUTHORITY_HOST.*https/);
    expect(text).toMatch(/subscriptionId.*UUID/);
    expect(text).toMatch(/location/);
    expect(text).toMatch(/defaultEnvironment.*qa/);
    expect(found.length).toBeGreaterThanOrEqual(8);
  });

  it('says how to fix a missing config file', () => {
    const found = problems(() =>
      loadConfig(env, () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      }),
    );
    expect(found[0]).toMatch(/c\.yaml.*not found.*chatops\.example\.yaml/);
  });

  it('refuses an unknown CHATOPS_ variable, suggesting the one meant, alongside the other problems', () => {
    const found = problems(() =>
      loadConfig(
        { ...env, CHATOPS_WORKER_CONCURENCY: '5', CHATOPS_CONFG: 'other.yaml', CHATOPS_WIBBLE: '1', CHATOPS_REDIS_PREFX: '{team-a}' },
        () => `${yaml}    bogus: 1\n`,
      ),
    );
    expect(found).toContain('CHATOPS_WORKER_CONCURENCY: unknown variable; did you mean CHATOPS_WORKER_CONCURRENCY?');
    expect(found).toContain('CHATOPS_CONFG: unknown variable; did you mean CHATOPS_CONFIG?');
    // A misspelt prefix would otherwise put this install's keys among another install's.
    expect(found).toContain('CHATOPS_REDIS_PREFX: unknown variable; did you mean CHATOPS_REDIS_PREFIX?');
    expect(found.join('\n')).toMatch(/CHATOPS_WIBBLE: unknown variable; the CHATOPS_ variables are CHATOPS_REDIS_PREFIX, CHATOPS_CONFIG, CHATOPS_ROLE, /);
    expect(found.join('\n')).toMatch(/environments\.dev\.bogus: unknown key/);
  });

  it('leaves other prefixes alone: AZURE_* and SLACK_* are shared with the SDKs and other tools', () => {
    expect(() =>
      loadConfig(
        { ...env, AZURE_LOG_LEVEL: 'info', AZURE_FEDERATED_TOKEN_FILE: '/var/run/token', SLACK_LOG_LEVEL: 'debug', CHATOPS_EMULATOR_TRUST: '1' },
        () => yaml,
      ),
    ).not.toThrow();
  });

  it('does not need a signing secret in Socket Mode', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', CHATOPS_CONFIG: 'c.yaml' }, () => yaml);
    expect(c.slack.appToken).toBe('xapp-1');
    expect(c.slack.signingSecret).toBeUndefined();
  });

  it('keeps the queue dashboard off unless CHATOPS_ADMIN_PORT is set, and binds it to loopback, read-only, by default', () => {
    expect(loadConfig(env, () => yaml).admin).toBeUndefined();
    expect(loadConfig({ ...env, CHATOPS_ADMIN_PORT: '' }, () => yaml).admin).toBeUndefined();
    const c = loadConfig({ ...env, CHATOPS_ADMIN_PORT: '9090', CHATOPS_ADMIN_USER: 'ops', CHATOPS_ADMIN_PASSWORD: 'a-long-enough-secret' }, () => yaml);
    expect(c.admin).toEqual({ port: 9090, host: '127.0.0.1', user: 'ops', password: 'a-long-enough-secret', write: false });
    const open = loadConfig(
      {
        ...env,
        CHATOPS_ADMIN_PORT: '9090',
        CHATOPS_ADMIN_HOST: '0.0.0.0',
        CHATOPS_ADMIN_USER: 'ops',
        CHATOPS_ADMIN_PASSWORD: 'a-long-enough-secret',
        CHATOPS_ADMIN_WRITE: 'true',
      },
      () => yaml,
    );
    expect(open.admin).toMatchObject({ host: '0.0.0.0', write: true });
  });

  it('refuses a dashboard port without both credentials, or with a short password', () => {
    for (const missing of [{}, { CHATOPS_ADMIN_USER: 'ops' }, { CHATOPS_ADMIN_PASSWORD: 'a-long-enough-secret' }]) {
      expect(problems(() => loadConfig({ ...env, CHATOPS_ADMIN_PORT: '9090', ...missing }, () => yaml))).toEqual([
        expect.stringMatching(/^CHATOPS_ADMIN_PORT: .*CHATOPS_ADMIN_USER and CHATOPS_ADMIN_PASSWORD/),
      ]);
    }
    expect(problems(() => loadConfig({ ...env, CHATOPS_ADMIN_PORT: '9090', CHATOPS_ADMIN_USER: 'ops', CHATOPS_ADMIN_PASSWORD: 'short' }, () => yaml))).toEqual([
      expect.stringMatching(/^CHATOPS_ADMIN_PASSWORD: use at least 12 characters/),
    ]);
    expect(
      problems(() =>
        loadConfig(
          { ...env, CHATOPS_ADMIN_PORT: 'x', CHATOPS_ADMIN_USER: 'ops', CHATOPS_ADMIN_PASSWORD: 'a-long-enough-secret', CHATOPS_ADMIN_WRITE: 'yes' },
          () => yaml,
        ),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^CHATOPS_ADMIN_PORT: must be a port/),
        expect.stringMatching(/^CHATOPS_ADMIN_WRITE: must be true or false/),
      ]),
    );
  });
});
