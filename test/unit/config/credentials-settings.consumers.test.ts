/** Start-up refuses a rotation whose consumers would redeploy with a different vault or secret than it writes. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };
const appId = '22222222-2222-4222-8222-222222222222';

function yaml(prod: string, credentials = ''): string {
  return `
defaultEnvironment: prod
environments:
  prod:
    subscriptionId: 11111111-1111-1111-1111-111111111111
    resourceGroup: rg-prod
    location: westeurope
    registry: contosoprod
${prod}
access:
  admins: [U01ADMIN]
credentials:
  alertChannel: C0ALERTS
  keyVaultUrl: https://contoso-ops-kv.vault.azure.net
  applications:
    - appId: ${appId}
      secretName: acr-pull-sp
      consumers: [{ environment: prod, containerGroup: web }]
${credentials}`;
}

function problems(text: string): string[] {
  try {
    loadConfig(env, () => text);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('credentials consumers', () => {
  it('loads when each consumer reads the vault and secret the rotation writes (URL case and trailing slash aside)', () => {
    expect(
      problems(yaml(`    keyVaultUrl: https://Contoso-Ops-KV.vault.azure.net/\n    registryCredentials: { username: ${appId}, passwordSecret: acr-pull-sp }`)),
    ).toEqual([]);
  });

  it('refuses a consumer whose environment reads another vault, naming both', () => {
    const found = problems(
      yaml(`    keyVaultUrl: https://contoso-prod-kv.vault.azure.net\n    registryCredentials: { username: ${appId}, passwordSecret: acr-pull-sp }`),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('credentials.applications.0.consumers.0');
    expect(found[0]).toContain('https://contoso-prod-kv.vault.azure.net (environments.prod.keyVaultUrl)');
    expect(found[0]).toContain('https://contoso-ops-kv.vault.azure.net (credentials.keyVaultUrl)');
  });

  it('refuses a consumer whose environment pulls with another secret, naming both', () => {
    const found = problems(
      yaml(`    keyVaultUrl: https://contoso-ops-kv.vault.azure.net\n    registryCredentials: { username: ${appId}, passwordSecret: old-pull-secret }`),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('old-pull-secret (environments.prod.registryCredentials.passwordSecret)');
    expect(found[0]).toContain('acr-pull-sp (credentials.applications.0.secretName)');
  });

  it('refuses a consumer whose environment has no vault at all', () => {
    const found = problems(yaml(''));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('environments.prod has no keyVaultUrl');
    expect(found[0]).toContain('https://contoso-ops-kv.vault.azure.net (credentials.keyVaultUrl)');
  });

  it('reports a mismatch together with every other problem', () => {
    const found = problems(
      yaml(
        `    keyVaultUrl: https://contoso-prod-kv.vault.azure.net\n    registryCredentials: { username: ${appId}, passwordSecret: acr-pull-sp }`,
        '  gracePeriod: forever',
      ),
    );
    expect(found.some((p) => p.includes('gracePeriod'))).toBe(true);
    expect(found.some((p) => p.includes('environments.prod.keyVaultUrl'))).toBe(true);
  });
});
