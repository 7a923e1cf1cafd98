/**
 * The Key Vault emulator against the real `SecretClient` (@azure/keyvault-secrets 4.x) and
 * `ClientSecretCredential` from the emulator's Entra ID, challenge auth included.
 */
import { isRestError } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, startAzureEmulator } from './azure/index.ts';
import type { AzureEmulator } from './azure/index.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = 'a1b2c3d4-0000-4000-8000-00000000c11e';
const secret = 'emulator-test-secret';

let azure: AzureEmulator;
let credential: ClientSecretCredential;

beforeAll(async () => {
  azure = await startAzureEmulator();
  azure.identity.addClient(tenant, clientId, secret);
  credential = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
});
afterAll(() => azure.close());

function client(vault: string): SecretClient {
  return new SecretClient(azure.keyVault.vaultUrl(vault), credential, { disableChallengeResourceVerification: true });
}

describe('Key Vault secrets emulator', () => {
  it('answers the first request with a challenge, then accepts a vault.azure.net token', async () => {
    azure.keyVault.addVault('kv-one', tenant);
    const kv = client('kv-one');
    const expiresOn = new Date('2030-01-02T03:04:05Z');
    const set = await kv.setSecret('app-secret', 's3cret', { contentType: 'text/plain', tags: { appId: 'x' }, expiresOn });

    const puts = azure.requests.filter((r) => r.method === 'PUT' && r.path === '/vaults/kv-one/secrets/app-secret');
    expect(puts.map((r) => r.status)).toEqual([401, 200]);
    expect(puts[0]!.headers.authorization).toBeUndefined();
    expect(puts[0]!.body).toBeUndefined(); // the SDK withholds the body until it is authorised
    expect(puts[1]!.body).toMatchObject({ value: 's3cret', contentType: 'text/plain', tags: { appId: 'x' }, attributes: { exp: 1893553445 } });
    const token = decodeJwt(puts[1]!.headers.authorization!.replace(/^Bearer /, ''));
    expect(token?.aud).toBe('https://vault.azure.net');
    expect(azure.identity.issued().map((t) => t.scope)).toContain('https://vault.azure.net/.default');

    expect(set.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(set.properties.expiresOn?.toISOString()).toBe(expiresOn.toISOString());
    const versions = azure.keyVault.secretVersions('kv-one', 'app-secret');
    expect(versions.map((v) => [v.version, v.value, v.contentType, v.tags])).toEqual([[set.properties.version, 's3cret', 'text/plain', { appId: 'x' }]]);
  });

  it('challenge carries the vault tenant and resource (or scope)', async () => {
    azure.keyVault.addVault('kv-raw', tenant);
    const bare = await fetch(`${azure.keyVault.vaultUrl('kv-raw')}/secrets/x?api-version=2025-07-01`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe(`Bearer authorization="${azure.url}/${tenant}", resource="https://vault.azure.net"`);
    expect(await bare.json()).toEqual({ error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } });
    azure.keyVault.challengeStyle = 'scope';
    try {
      const scoped = await fetch(`${azure.keyVault.vaultUrl('kv-raw')}/secrets/x?api-version=2025-07-01`);
      expect(scoped.headers.get('www-authenticate')).toBe(`Bearer authorization="${azure.url}/${tenant}", scope="https://vault.azure.net/.default"`);
      azure.keyVault.setSecret('kv-raw', 'via-scope', 'v');
      expect((await client('kv-raw').getSecret('via-scope')).value).toBe('v');
    } finally {
      azure.keyVault.challengeStyle = 'resource';
    }
  });

  it('gets latest and pinned versions, and records reads', async () => {
    azure.keyVault.addVault('kv-two', tenant);
    const v1 = azure.keyVault.setSecret('kv-two', 'db-password', 'first');
    const v2 = azure.keyVault.setSecret('kv-two', 'db-password', 'second');
    expect(v1).not.toBe(v2);
    const kv = client('kv-two');
    const latest = await kv.getSecret('db-password');
    expect([latest.value, latest.properties.version, latest.name]).toEqual(['second', v2, 'db-password']);
    const pinned = await kv.getSecret('db-password', { version: v1 });
    expect([pinned.value, pinned.properties.version]).toEqual(['first', v1]);
    expect(azure.keyVault.reads('kv-two', 'db-password').map((r) => [r.version, r.pinned, r.clientId])).toEqual([
      [v2, false, clientId],
      [v1, true, clientId],
    ]);
    expect(azure.keyVault.reads('kv-one')).toEqual([]);
  });

  it('lists secret properties across pages', async () => {
    azure.keyVault.addVault('kv-list', tenant);
    for (const n of ['a', 'b', 'c', 'd', 'e']) azure.keyVault.setSecret('kv-list', `s-${n}`, n, { tags: { n } });
    azure.keyVault.pageSize = 2;
    try {
      const names: string[] = [];
      for await (const p of client('kv-list').listPropertiesOfSecrets()) names.push(`${p.name}:${p.tags?.n}`);
      expect(names).toEqual(['s-a:a', 's-b:b', 's-c:c', 's-d:d', 's-e:e']);
      expect(azure.count('GET', /^\/vaults\/kv-list\/secrets$/)).toBe(4); // 401 + 3 pages
      expect(azure.keyVault.reads('kv-list')).toEqual([]); // listing is not reading values
    } finally {
      azure.keyVault.pageSize = 25;
    }
  });

  it('answers an unknown secret with SecretNotFound', async () => {
    azure.keyVault.addVault('kv-three', tenant);
    const error = await client('kv-three')
      .getSecret('nope')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isRestError(error)).toBe(true);
    if (!isRestError(error)) return;
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('SecretNotFound');
    expect(error.message).toContain('A secret with (name/id) nope was not found in this key vault.');
  });

  it('refuses a token of another tenant', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    azure.keyVault.addVault('kv-foreign', other);
    azure.keyVault.setSecret('kv-foreign', 'x', 'y');
    // The challenge names `other`; the credential is not allowed to switch tenant, so the SDK fails.
    const error = await client('kv-foreign')
      .getSecret('x')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain(other);
    const gets = azure.requests.filter((r) => /^\/vaults\/kv-foreign\/secrets\/x\/?$/.test(r.path));
    expect(gets.map((r) => r.status)).toEqual([401]);
    // A token of the wrong tenant, sent by hand, gets AKV10032.
    const token = await credential.getToken('https://vault.azure.net/.default');
    const res = await fetch(`${azure.keyVault.vaultUrl('kv-foreign')}/secrets/x?api-version=2025-07-01`, {
      headers: { Authorization: `Bearer ${token.token}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^AKV10032: Invalid issuer/);
    expect(azure.keyVault.reads('kv-foreign')).toEqual([]);
  });
});
