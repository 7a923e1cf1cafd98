/** Registry tokens in the ACR emulator, through the real ARM client, and `docker login` on its data plane. */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let loginServer: string;
const rg = 'rg-tokens';

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  loginServer = azure.registryData.endpoint('contosotok').replace(/^https:\/\//, '');
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: 'contosotok', loginServer });
});
afterAll(() => azure?.close());

const client = () => new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });

async function dockerLogin(user: string, password: string): Promise<number> {
  const res = await fetch(`https://${loginServer}/oauth2/token?service=${encodeURIComponent(loginServer.split('/')[0]!)}&scope=registry:catalog:*`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  return res.status;
}

describe('registry tokens', () => {
  it('lists tokens with slot metadata only, regenerates one slot through the LRO, and drops a slot', async () => {
    const expiry = new Date(Date.now() + 10 * 86_400_000);
    const { id } = azure.acr.addToken('contosotok', 'ci-pull', {
      passwords: [
        { name: 'password1', value: 'first-password-value', expiry },
        { name: 'password2', value: 'second-password-value' },
      ],
    });
    const tokens = [];
    for await (const t of client().tokens.list(rg, 'contosotok')) tokens.push(t);
    expect(tokens.map((t) => t.name)).toEqual(['ci-pull']);
    expect(tokens[0]!.credentials!.passwords!.map((p) => [p.name, p.expiry?.toISOString()])).toEqual([
      ['password1', expiry.toISOString()],
      ['password2', undefined],
    ]);
    expect(JSON.stringify(tokens)).not.toContain('first-password-value');
    expect(await dockerLogin('ci-pull', 'first-password-value')).toBe(200);

    const result = await client().registries.beginGenerateCredentialsAndWait(rg, 'contosotok', { tokenId: id, name: 'password2' }, { updateIntervalInMs: 50 });
    expect(result.username).toBe('ci-pull');
    expect(result.passwords!.map((p) => p.name)).toEqual(['password2']);
    const fresh = result.passwords![0]!.value!;
    expect(fresh).toBe(azure.acr.tokenPassword('contosotok', 'ci-pull', 'password2'));
    expect(await dockerLogin('ci-pull', 'second-password-value')).toBe(401); // replaced
    expect(await dockerLogin('ci-pull', fresh)).toBe(200);
    expect(await dockerLogin('ci-pull', 'first-password-value')).toBe(200); // the other slot is untouched

    await client().tokens.beginUpdateAndWait(rg, 'contosotok', 'ci-pull', { credentials: { passwords: [{ name: 'password2' }] } }, { updateIntervalInMs: 50 });
    expect(azure.acr.token('contosotok', 'ci-pull')!.passwords.map((p) => p.name)).toEqual(['password2']);
    expect(await dockerLogin('ci-pull', 'first-password-value')).toBe(401);
  });

  it('answers ARM 404s for missing tokens and refuses expired passwords at login', async () => {
    await expect(client().tokens.get(rg, 'contosotok', 'nope')).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    azure.acr.addToken('contosotok', 'old-token', { passwords: [{ name: 'password1', value: 'expired-value', expiry: new Date(Date.now() - 1000) }] });
    expect(await dockerLogin('old-token', 'expired-value')).toBe(401);
    expect(azure.acr.checkTokenPassword('contosotok', 'old-token', 'expired-value')).toBe(false);
  });
});
