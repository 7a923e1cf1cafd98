import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts';

const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'chatops.yaml' };

describe('the shipped example config', () => {
  it('loads, with the deploy settings of the README', () => {
    const config = loadConfig(env, () => readFileSync('chatops.example.yaml', 'utf8'));
    const prod = config.environments.prod!;
    expect(prod.keyVaultUrl).toBe('https://contoso-prod-kv.vault.azure.net');
    expect(prod.approval).toEqual({ approvers: ['U01ALICE', 'S0LEADS'], required: 1, expiresAfter: 3_600_000 });
    expect(prod.policy.allowedRegistries).toEqual(['contosoprod.azurecr.io']);
    expect(prod.gitAccessTokens).toEqual({ 'github-pat': ['github.com'], 'ado-pat': ['dev.azure.com'] });
    expect(config.environments.dev!.approval).toBeUndefined();
    expect(config.environments.dev!.policy.publicIp).toBe(true);
    expect(config.environments.dev!.tasks).toEqual({ buildwebapp: { channel: 'C0DEV', deploy: { group: 'web' } } });
  });

  it('loads with its commented credentials section switched on', () => {
    const text = readFileSync('chatops.example.yaml', 'utf8');
    const [head, tail] = text.split('# credentials:');
    const uncommented = `${head}credentials:\n${tail!
      .split('\n')
      .map((l) => l.replace(/^# /, ''))
      .join('\n')}`;
    const config = loadConfig(env, () => uncommented);
    expect(config.file.credentials).toMatchObject({
      alertChannel: 'C0ALERTS',
      gracePeriod: 86_400_000,
      applications: [{ autoRotate: true, consumers: [{ environment: 'prod', containerGroup: 'web' }] }],
    });
  });

  it('the README’s configuration example loads too', () => {
    const readme = readFileSync('README.md', 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^environments:/m.test(b));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const config = loadConfig(env, () => block);
      expect(config.environments.prod?.approval?.approvers).toEqual(['U01ALICE', 'S02LEADS']);
      expect(config.file.credentials?.applications?.[0]?.consumers).toEqual([{ environment: 'prod', containerGroup: 'web' }]);
    }
  });

  it('reports bad deploy settings with where and how to fix them', () => {
    const yaml = readFileSync('chatops.example.yaml', 'utf8')
      .replace('required: 1, expiresAfter: 1h', 'required: 0, expiresAfter: forever')
      .replace('keyVaultUrl: https://contoso-prod-kv.vault.azure.net', 'keyVaultUrl: http://kv.local');
    let problems: readonly string[] = [];
    try {
      loadConfig(env, () => yaml);
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    const text = problems.join('\n');
    expect(text).toMatch(/environments\.prod\.approval\.required/);
    expect(text).toMatch(/environments\.prod\.approval\.expiresAfter.*duration/);
    expect(text).toMatch(/environments\.prod\.keyVaultUrl.*vault URL/);
  });
});
