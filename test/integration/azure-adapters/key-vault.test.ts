/** KeyVaultSecretReader against the Key Vault emulator, challenge auth included. */
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyVaultSecretReader } from '../../../src/azure/key-vault/secret-reader.ts';
import { isKnownVaultHost } from '../../../src/azure/key-vault/vault-domains.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { SecretNotFoundError } from '../../../src/core/deploy/secret-not-found.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, tenant } from './setup.ts';

let azure: AzureEmulator;
let credential: ClientSecretCredential;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
});
afterAll(() => azure?.close());

describe('KeyVaultSecretReader', () => {
  it('reads the latest secret after the challenge, reusing the client per vault', async () => {
    const vaultUrl = azure.keyVault.addVault('kv-deploy', tenant);
    azure.keyVault.setSecret('kv-deploy', 'slack-token', 'old');
    azure.keyVault.setSecret('kv-deploy', 'slack-token', 'xoxb-current');
    const reader = new KeyVaultSecretReader({ credential });
    expect(await reader.getSecret(vaultUrl, 'slack-token')).toBe('xoxb-current');
    expect(await reader.getSecret(vaultUrl, 'slack-token')).toBe('xoxb-current');
    const gets = azure.requests.filter((r) => r.method === 'GET' && /^\/vaults\/kv-deploy\/secrets\/slack-token\/?$/.test(r.path));
    // One challenge, then authorised reads: the second read reuses the client's token.
    expect(gets.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(azure.identity.issued().map((t) => t.scope)).toContain('https://vault.azure.net/.default');
  });

  it('turns SecretNotFound into SecretNotFoundError naming vault and secret', async () => {
    const vaultUrl = azure.keyVault.addVault('kv-missing', tenant);
    azure.keyVault.setSecret('kv-missing', 'other', 'do-not-leak');
    const error = await rejection(new KeyVaultSecretReader({ credential }).getSecret(vaultUrl, 'nope'));
    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error).toMatchObject({ vaultUrl, secretName: 'nope', transient: false });
    expect((error as Error).message).toBe(`Key Vault ${vaultUrl} has no secret named 'nope'.`);
    expect((error as Error).message).not.toContain('do-not-leak');
  });

  it('keeps other failures as AzureOperationError', async () => {
    const error = await rejection(new KeyVaultSecretReader({ credential }).getSecret(azure.keyVault.vaultUrl('kv-never-created'), 'x'));
    expect(error).toBeInstanceOf(AzureOperationError);
    expect(error).not.toBeInstanceOf(SecretNotFoundError);
  });
});

describe('isKnownVaultHost', () => {
  it('keeps challenge verification only for Microsoft vault domains', () => {
    expect(isKnownVaultHost('https://kv1.vault.azure.net')).toBe(true);
    expect(isKnownVaultHost('https://KV1.Vault.Azure.CN/')).toBe(true);
    expect(isKnownVaultHost('https://kv1.vault.usgovcloudapi.net')).toBe(true);
    expect(isKnownVaultHost('https://kv1.vault.microsoftazure.de')).toBe(true);
    expect(isKnownVaultHost('https://hsm1.managedhsm.azure.net')).toBe(true);
    expect(isKnownVaultHost('https://localhost:8443/vaults/kv1')).toBe(false);
    expect(isKnownVaultHost('https://vault.azure.net.evil.example')).toBe(false);
    expect(isKnownVaultHost('not a url')).toBe(false);
  });
});
