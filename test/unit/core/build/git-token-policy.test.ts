import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../../../src/config/file.ts';
import { ConfigError, loadConfig } from '../../../../src/config/load-config.ts';
import { gitHostOf, gitTokenProblem } from '../../../../src/core/build/git-token-policy.ts';
import { readGitToken } from '../../../../jobs/git-token.ts';
import { JobStop } from '../../../../jobs/job-failures.ts';

const allowed = { 'github-pat': ['github.com'], 'ado-pat': ['dev.azure.com'], 'ghe-pat': ['git.contoso.com:8443'] };

describe('gitHostOf', () => {
  it.each([
    ['https://github.com/org/app.git', 'github.com'],
    ['https://GitHub.com/org/app.git#main:src', 'github.com'],
    ['https://github.com:443/org/app.git', 'github.com'],
    ['https://git.contoso.com:8443/org/app.git', 'git.contoso.com:8443'],
    ['https://contoso@dev.azure.com/contoso/web/_git/app', 'dev.azure.com'],
  ])('reads %s as %s', (url, host) => {
    expect(gitHostOf(url)).toBe(host);
  });

  it.each([
    ['a backslash that ends the host for WHATWG only', 'https://github.com\\@attacker.example/r.git'],
    ['a full-width letter WHATWG maps to ASCII', 'https://\uff47ithub.com/r.git'],
    ['a percent-encoded host', 'https://github%2ecom/r.git'],
    ['user info with a colon', 'https://github.com:x@attacker.example/r.git'],
    ['no scheme', 'github.com/org/app.git'],
    ['http', 'http://github.com/org/app.git'],
  ])('gives no host for %s', (_why, url) => {
    expect(gitHostOf(url)).toBeUndefined();
  });
});

describe('gitTokenProblem', () => {
  it('allows a listed token on one of its hosts', () => {
    expect(gitTokenProblem('prod', allowed, 'github-pat', 'https://github.com/org/app.git')).toBeUndefined();
    expect(gitTokenProblem('prod', allowed, 'ghe-pat', 'https://git.contoso.com:8443/org/app.git')).toBeUndefined();
  });

  it('refuses every token where none is listed, naming the setting', () => {
    for (const config of [undefined, {}]) {
      const problem = gitTokenProblem('dev', config, 'github-pat', 'https://github.com/org/app.git');
      expect(problem?.text).toContain('environments.dev.gitAccessTokens');
    }
  });

  it('refuses a secret that is not listed without repeating its name, even one named like an object key', () => {
    for (const name of ['db-password', 'constructor', 'toString']) {
      const problem = gitTokenProblem('prod', allowed, name, 'https://github.com/org/app.git');
      expect(problem).toBeDefined();
      expect(`${problem!.text} ${problem!.hint}`).not.toContain(name);
      expect(problem!.hint).toContain('@kv:github-pat (github.com)');
    }
  });

  it('refuses a listed token on another host, or on the same host at another port', () => {
    expect(gitTokenProblem('prod', allowed, 'github-pat', 'https://attacker.example/r.git')?.text).toBe(
      'Git token github-pat may only go to github.com, and this repository is on attacker.example.',
    );
    expect(gitTokenProblem('prod', allowed, 'github-pat', 'https://github.com:8443/org/app.git')?.text).toContain('is on github.com:8443');
    expect(gitTokenProblem('prod', allowed, 'ado-pat', 'https://contoso.visualstudio.com/web/_git/app')?.text).toContain('is on contoso.visualstudio.com');
  });

  it('refuses a URL whose host is not plain', () => {
    expect(gitTokenProblem('prod', allowed, 'github-pat', 'https://\uff47ithub.com/r.git')?.text).toContain('plain https://host/path URL');
  });
});

describe('readGitToken in the worker', () => {
  it('checks the allowlist again before reading Key Vault', async () => {
    const reads: string[] = [];
    const vault = {
      current: async (_url: string, name: string) => {
        reads.push(name);
        return { value: 'v', version: '1', tags: {} };
      },
      setSecret: async () => '1',
      version: async () => 'v',
    };
    const environments = {
      prod: environmentSchema.parse({
        subscriptionId: '11111111-1111-1111-1111-111111111111',
        resourceGroup: 'rg',
        location: 'westeurope',
        keyVaultUrl: 'https://kv.vault.azure.net',
        gitAccessTokens: allowed,
      }),
    };
    await expect(readGitToken({ environments, vault }, 'prod', 'db-password', 'https://github.com/org/app.git')).rejects.toBeInstanceOf(JobStop);
    await expect(readGitToken({ environments, vault }, 'constructor', 'github-pat', 'https://github.com/org/app.git')).rejects.toBeInstanceOf(JobStop);
    expect(reads).toEqual([]);
    await expect(readGitToken({ environments, vault }, 'prod', 'github-pat', 'https://github.com/org/app.git')).resolves.toBe('v');
    expect(reads).toEqual(['github-pat']);
  });
});

describe('gitAccessTokens in chatops.yaml', () => {
  const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CHATOPS_CONFIG: 'c.yaml' };
  const yaml = (extra: string) => `
environments:
  prod:
    subscriptionId: 00000000-0000-0000-0000-000000000000
    resourceGroup: rg-prod
    location: westeurope
${extra}
access: { admins: [U0ADMIN] }
`;

  it('loads secret names with their hosts, lower-cased', () => {
    const config = loadConfig(env, () =>
      yaml('    keyVaultUrl: https://kv.vault.azure.net\n    gitAccessTokens: { github-pat: [GitHub.com], ado-pat: [dev.azure.com] }'),
    );
    expect(config.environments.prod!.gitAccessTokens).toEqual({ 'github-pat': ['github.com'], 'ado-pat': ['dev.azure.com'] });
  });

  it('refuses hosts that are URLs or wildcards, secret names Key Vault would refuse and empty host lists', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig(env, () => yaml('    gitAccessTokens: { github-pat: [https://github.com], ado: ["*.visualstudio.com"], bad_name: [github.com], none: [] }'));
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    const text = problems.join('\n');
    expect(text).toMatch(/environments\.prod\.gitAccessTokens\.github-pat\.0: must be a git host name/);
    expect(text).toMatch(/environments\.prod\.gitAccessTokens\.ado\.0: must be a git host name/);
    expect(text).toMatch(/environments\.prod\.gitAccessTokens\.bad_name: must be a Key Vault secret name/);
    expect(text).toMatch(/environments\.prod\.gitAccessTokens\.none: must list at least one git host/);
  });

  it('refuses git tokens in an environment without a Key Vault', () => {
    expect(() => loadConfig(env, () => yaml('    gitAccessTokens: { github-pat: [github.com] }'))).toThrow(
      /environments\.prod\.keyVaultUrl: is needed because gitAccessTokens are read from Key Vault/,
    );
  });
});
