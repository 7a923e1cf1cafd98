/**
 * Repository-scoped ACR tokens in the Azure emulator, through the real
 * `ContainerRegistryManagementClient` (@azure/arm-containerregistry 11, api-version 2025-11-01)
 * and a real `ClientSecretCredential`: list/get, generateCredentials as a Location LRO, PATCH
 * and PUT as Azure-AsyncOperation LROs, DELETE, ARM's 404s, and Basic sign-in on the registry
 * data plane. Run with `node scripts/make-test-ca.ts test/.certs -- vitest run …`.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { Token } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { rejection, startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

const rg = 'rg-acr-tokens';
const registry = 'contosotokens';
const poll = { updateIntervalInMs: 20 };
const DAY = 86_400_000;

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;
let registryId: string;
let dataEndpoint: string;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  dataEndpoint = azure.registryData.endpoint(registry);
  // The login server the product reads from ARM: the emulated data plane for this registry.
  registryId = azure.acr.addRegistry({
    subscriptionId: subscription,
    resourceGroup: rg,
    name: registry,
    loginServer: dataEndpoint.replace(/^https:\/\//, ''),
  }).id;
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name: 'contosopaged' });
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
});
afterAll(() => azure?.close());

/** Requests to ARM paths under the test registry since `from`, as `METHOD /relative/path STATUS`. */
function armFlow(from: number): string[] {
  return azure.requests
    .slice(from)
    .filter((r) => r.kind === 'arm' && r.path.toLowerCase().startsWith(registryId.toLowerCase()))
    .map((r) => `${r.method} ${r.path.slice(registryId.length).replace(/(tokens|registries)-[0-9a-f-]{36}/, '$1-{id}')} ${r.status}`);
}

async function armFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const { token } = (await credential.getToken(`${azure.url}/.default`))!;
  const url = path.includes('?') ? path : `${azure.url}${path}?api-version=2025-11-01`;
  return fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** `docker login`'s token request against the emulated data plane: the HTTP status. */
async function signIn(user: string, password: string): Promise<number> {
  const res = await fetch(`${dataEndpoint}/oauth2/token?service=${registry}.azurecr.io&scope=${encodeURIComponent('repository:app:pull')}`, {
    headers: { authorization: basic(user, password) },
  });
  return res.status;
}

describe('ACR tokens: list and get', () => {
  it('shows slot names, creation times and expiries but never password values', async () => {
    const created = new Date(Date.now() - 3 * DAY);
    const expiry = new Date(Date.now() + 10 * DAY);
    const { id } = azure.acr.addToken(registry, 'ci-pull', {
      passwords: [
        { name: 'password2', value: 'list-secret-two', creationTime: created },
        { name: 'password1', value: 'list-secret-one', expiry },
      ],
    });
    expect(id).toBe(`${registryId}/tokens/ci-pull`);

    const listed: Token[] = [];
    let rawList = '';
    for await (const page of client.tokens
      .list(rg, registry, {
        onResponse: (r) => {
          rawList += r.bodyAsText ?? '';
        },
      })
      .byPage())
      listed.push(...page);
    expect(listed.map((t) => t.name)).toEqual(['ci-pull']);
    const [token] = listed;
    expect(token).toMatchObject({
      id,
      type: 'Microsoft.ContainerRegistry/registries/tokens',
      scopeMapId: `${registryId}/scopeMaps/_repositories_pull`,
      status: 'enabled',
      provisioningState: 'Succeeded',
      credentials: { certificates: [] },
    });
    expect(token!.creationDate).toBeInstanceOf(Date);
    expect(token!.credentials!.passwords).toEqual([
      { name: 'password1', creationTime: expect.any(Date), expiry },
      { name: 'password2', creationTime: created },
    ]);

    let rawGet = '';
    const got = await client.tokens.get(rg, registry, 'ci-pull', {
      onResponse: (r) => {
        rawGet = r.bodyAsText ?? '';
      },
    });
    expect(got.credentials!.passwords!.map((p) => p.name)).toEqual(['password1', 'password2']);
    type Wire = { properties: { credentials: { passwords: Record<string, unknown>[] } } };
    const wire = [...(JSON.parse(rawList) as { value: Wire[] }).value, JSON.parse(rawGet) as Wire];
    expect(wire).toHaveLength(2);
    for (const t of wire)
      expect(t.properties.credentials.passwords.map((p) => Object.keys(p).sort())).toEqual([
        ['creationTime', 'expiry', 'name'],
        ['creationTime', 'name'],
      ]);
    expect(rawList + rawGet).not.toContain('list-secret');
    expect(azure.acr.token(registry, 'ci-pull')).toEqual({
      id,
      name: 'ci-pull',
      status: 'enabled',
      scopeMapId: `${registryId}/scopeMaps/_repositories_pull`,
      provisioningState: 'Succeeded',
      passwords: [
        { name: 'password1', creationTime: expect.any(Date), expiry },
        { name: 'password2', creationTime: created },
      ],
    });
  });

  it('pages the list with nextLink', async () => {
    azure.acr.tokenPageSize = 2;
    try {
      for (const name of ['tok-e', 'tok-c', 'tok-a', 'tok-d', 'tok-b']) azure.acr.addToken('contosopaged', name);
      const pages: string[][] = [];
      for await (const page of client.tokens.list(rg, 'contosopaged').byPage()) pages.push(page.map((t) => t.name!));
      expect(pages).toEqual([['tok-a', 'tok-b'], ['tok-c', 'tok-d'], ['tok-e']]);
      const res = await armFetch(
        'GET',
        `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/contosopaged/tokens`,
      );
      const body = (await res.json()) as { value: unknown[]; nextLink?: string };
      expect(body.value).toHaveLength(2);
      expect(body.nextLink).toMatch(new RegExp(`^${azure.url}/subscriptions/.+/registries/contosopaged/tokens\\?api-version=2025-11-01&%24skipToken=`));
    } finally {
      azure.acr.tokenPageSize = 20;
    }
  });

  it('answers ARM 404 envelopes for a missing token and a missing registry', async () => {
    const missing = await rejection(client.tokens.get(rg, registry, 'no-such-token'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect((missing as Error).message).toContain(`Microsoft.ContainerRegistry/registries/tokens/${registry}/no-such-token`);
    expect(await rejection(client.tokens.get(rg, 'nosuchregistry', 'ci-pull'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const raw = await armFetch('GET', `${registryId}/tokens/no-such-token`);
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({
      error: { code: 'ResourceNotFound', message: expect.stringContaining("under resource group 'rg-acr-tokens' was not found") },
    });
    expect(azure.acr.token(registry, 'no-such-token')).toBeUndefined();
  });
});

describe('ACR tokens: generateCredentials', () => {
  it('regenerates only the requested slot through the SDK poller; the old value of that slot stops working', async () => {
    const { id } = azure.acr.addToken(registry, 'deploy-pull', {
      passwords: [
        { name: 'password1', value: 'slot-one-value' },
        { name: 'password2', value: 'slot-two-value', expiry: new Date(Date.now() + DAY) },
      ],
    });
    expect(azure.acr.checkTokenPassword(registry, 'deploy-pull', 'slot-two-value')).toBe(true);
    const from = azure.requests.length;

    const result = await client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: id, name: 'password2' }, poll);
    expect(result.username).toBe('deploy-pull');
    expect(result.passwords).toHaveLength(1);
    const [fresh] = result.passwords!;
    expect(fresh!.name).toBe('password2');
    expect(fresh!.value).toMatch(/^[A-Za-z0-9]{52}$/);
    expect(fresh!.creationTime).toBeInstanceOf(Date);
    expect(fresh!.expiry).toBeUndefined(); // no expiry asked → none, the old slot's expiry is not carried over
    expect(azure.acr.tokenPassword(registry, 'deploy-pull', 'password2')).toBe(fresh!.value);

    expect(azure.acr.checkTokenPassword(registry, 'deploy-pull', 'slot-two-value')).toBe(false);
    expect(azure.acr.checkTokenPassword(registry, 'deploy-pull', fresh!.value!)).toBe(true);
    expect(azure.acr.checkTokenPassword(registry, 'deploy-pull', 'slot-one-value')).toBe(true);
    expect(azure.acr.tokenPassword(registry, 'deploy-pull', 'password1')).toBe('slot-one-value');
    expect(azure.acr.token(registry, 'deploy-pull')!.passwords.map((p) => [p.name, p.expiry])).toEqual([
      ['password1', undefined],
      ['password2', undefined],
    ]);

    expect(armFlow(from)).toEqual(['POST /generateCredentials 202', 'GET /operationStatuses/registries-{id} 200']);
    // The GET shows the new slot's metadata but not its value.
    const token = await client.tokens.get(rg, registry, 'deploy-pull');
    expect(JSON.stringify(token)).not.toContain(fresh!.value!);
  });

  it('answers 202 + Location + Retry-After, polls 202 while in progress, then the result', async () => {
    const { id } = azure.acr.addToken(registry, 'wire-token', { passwords: [] });
    azure.acr.tokenOperationMs = 60_000;
    try {
      const expiry = '2031-01-02T03:04:05.000Z';
      const res = await armFetch('POST', `${registryId}/generateCredentials`, { tokenId: id, name: 'password1', expiry });
      expect(res.status).toBe(202);
      expect(await res.text()).toBe('');
      const location = res.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^${azure.url}${registryId}/operationStatuses/registries-[0-9a-f-]{36}\\?api-version=2025-11-01$`));
      expect(res.headers.get('retry-after')).toBe('1');
      // The password exists as soon as the request is accepted.
      const value = azure.acr.tokenPassword(registry, 'wire-token', 'password1')!;
      expect(azure.acr.checkTokenPassword(registry, 'wire-token', value)).toBe(true);

      const pending = await armFetch('GET', location);
      expect(pending.status).toBe(202);
      expect(pending.headers.get('location')).toBe(location);

      azure.acr.tokenOperationMs = 0;
      const other = await armFetch('POST', `${registryId}/generateCredentials`, { tokenId: id, name: 'password2', expiry });
      const done = await armFetch('GET', other.headers.get('location')!);
      expect(done.status).toBe(200);
      expect(await done.json()).toEqual({
        username: 'wire-token',
        passwords: [{ name: 'password2', value: azure.acr.tokenPassword(registry, 'wire-token', 'password2'), creationTime: expect.any(String), expiry }],
      });
      expect(azure.acr.token(registry, 'wire-token')!.passwords.map((p) => p.expiry?.toISOString())).toEqual([expiry, expiry]);
    } finally {
      azure.acr.tokenOperationMs = 0;
    }
  });

  it('regenerates both slots without a name, honours expiry, and refuses expired passwords', async () => {
    const { id } = azure.acr.addToken(registry, 'both-slots', { passwords: [{ name: 'password1', value: 'old-one' }] });
    const expiry = new Date(Date.now() + 30 * DAY);
    const result = await client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: id, expiry }, poll);
    expect(result.passwords!.map((p) => [p.name, p.expiry?.toISOString(), typeof p.value])).toEqual([
      ['password1', expiry.toISOString(), 'string'],
      ['password2', expiry.toISOString(), 'string'],
    ]);
    expect(result.passwords![0]!.value).not.toBe(result.passwords![1]!.value);
    expect(azure.acr.checkTokenPassword(registry, 'both-slots', 'old-one')).toBe(false);

    azure.acr.addToken(registry, 'expired-tok', { passwords: [{ name: 'password1', value: 'expired-value', expiry: new Date(Date.now() - 1000) }] });
    expect(azure.acr.checkTokenPassword(registry, 'expired-tok', 'expired-value')).toBe(false);
  });

  it('refuses unknown tokens and bad slot names', async () => {
    const missing = await rejection(
      client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: `${registryId}/tokens/ghost-token`, name: 'password1' }, poll),
    );
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const { id } = azure.acr.addToken(registry, 'slot-check');
    expect(await rejection(client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: id, name: 'password3' }, poll))).toMatchObject({
      statusCode: 400,
      code: 'InvalidParameter',
    });
    const foreign = id.replace(`/registries/${registry}/`, '/registries/contosopaged/');
    expect(await rejection(client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: foreign }, poll))).toMatchObject({ statusCode: 400 });
  });
});

describe('ACR tokens: update, create, delete', () => {
  it('drops a password slot with beginUpdate (201 + Azure-AsyncOperation, then a GET of the token)', async () => {
    azure.acr.addToken(registry, 'rotate-me', {
      passwords: [
        { name: 'password1', value: 'keep-me-not' },
        { name: 'password2', value: 'keep-me' },
      ],
    });
    const from = azure.requests.length;
    const updated = await client.tokens.beginUpdateAndWait(rg, registry, 'rotate-me', { credentials: { passwords: [{ name: 'password2' }] } }, poll);
    expect(updated.credentials!.passwords!.map((p) => p.name)).toEqual(['password2']);
    expect(updated.provisioningState).toBe('Succeeded');
    expect(azure.acr.token(registry, 'rotate-me')!.passwords.map((p) => p.name)).toEqual(['password2']);
    expect(azure.acr.tokenPassword(registry, 'rotate-me', 'password1')).toBeUndefined();
    expect(azure.acr.checkTokenPassword(registry, 'rotate-me', 'keep-me-not')).toBe(false);
    expect(azure.acr.checkTokenPassword(registry, 'rotate-me', 'keep-me')).toBe(true);
    expect(armFlow(from)).toEqual(['PATCH /tokens/rotate-me 201', 'GET /tokens/rotate-me/operationStatuses/tokens-{id} 200', 'GET /tokens/rotate-me 200']);

    const disabled = await client.tokens.beginUpdateAndWait(rg, registry, 'rotate-me', { status: 'disabled' }, poll);
    expect(disabled.status).toBe('disabled');
    expect(disabled.credentials!.passwords!.map((p) => p.name)).toEqual(['password2']); // no credentials in the patch → slots untouched
    expect(azure.acr.checkTokenPassword(registry, 'rotate-me', 'keep-me')).toBe(false);
    await client.tokens.beginUpdateAndWait(rg, registry, 'rotate-me', { status: 'enabled' }, poll);
    expect(azure.acr.checkTokenPassword(registry, 'rotate-me', 'keep-me')).toBe(true);
  });

  it('reports Updating and an InProgress operation while the PATCH runs', async () => {
    azure.acr.addToken(registry, 'slow-patch');
    azure.acr.tokenOperationMs = 60_000;
    try {
      const res = await armFetch('PATCH', `${registryId}/tokens/slow-patch`, { properties: { credentials: { passwords: [] } } });
      expect(res.status).toBe(201);
      expect(res.headers.get('retry-after')).toBe('1');
      const operation = res.headers.get('azure-asyncoperation')!;
      expect(operation).toMatch(new RegExp(`^${azure.url}${registryId}/tokens/slow-patch/operationStatuses/tokens-[0-9a-f-]{36}\\?api-version=2025-11-01$`));
      expect(((await res.json()) as { properties: unknown }).properties).toMatchObject({ provisioningState: 'Updating', credentials: { passwords: [] } });
      const status = await armFetch('GET', operation);
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ name: expect.stringMatching(/^tokens-/), status: 'InProgress', startTime: expect.any(String) });
      expect(azure.acr.token(registry, 'slow-patch')).toMatchObject({ provisioningState: 'Updating', passwords: [] });
      const bad = await armFetch('PATCH', `${registryId}/tokens/slow-patch`, { properties: { credentials: { passwords: [{ name: 'password9' }] } } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('InvalidParameter');
    } finally {
      azure.acr.tokenOperationMs = 0;
    }
  });

  it('creates a token with beginCreate, fills it with generateCredentials, and deletes it', async () => {
    azure.acr.addScopeMap(registry, 'app-pull', ['repositories/app/content/read']);
    const scopeMapId = `${registryId}/scopeMaps/app-pull`;
    const created = await client.tokens.beginCreateAndWait(rg, registry, 'new-token', { scopeMapId, status: 'enabled' }, poll);
    expect(created).toMatchObject({ name: 'new-token', scopeMapId, status: 'enabled', provisioningState: 'Succeeded', credentials: { passwords: [] } });
    const result = await client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: created.id!, name: 'password1' }, poll);
    const value = result.passwords![0]!.value!;
    expect(await signIn('new-token', value)).toBe(200);

    const from = azure.requests.length;
    await client.tokens.beginDeleteAndWait(rg, registry, 'new-token', poll);
    expect(armFlow(from)).toEqual(['DELETE /tokens/new-token 202', 'GET /tokens/new-token/operationStatuses/tokens-{id} 200']);
    expect(await rejection(client.tokens.get(rg, registry, 'new-token'))).toMatchObject({ statusCode: 404 });
    expect(azure.acr.checkTokenPassword(registry, 'new-token', value)).toBe(false);
    expect(await signIn('new-token', value)).toBe(401);
    expect((await armFetch('DELETE', `${registryId}/tokens/new-token`)).status).toBe(204);
    expect(await rejection(client.tokens.beginCreateAndWait(rg, registry, 'no-scope', {}, poll))).toMatchObject({ statusCode: 400 });
  });
});

describe('ACR tokens on the registry data plane', () => {
  it('accepts Basic sign-in with a current token password and refuses replaced, wrong or disabled ones', async () => {
    const { id } = azure.acr.addToken(registry, 'docker-user', { passwords: [{ name: 'password1', value: 'docker-pass-1' }] });
    const res = await fetch(`${dataEndpoint}/oauth2/token?service=${registry}.azurecr.io&scope=${encodeURIComponent('repository:app:pull')}`, {
      headers: { authorization: basic('docker-user', 'docker-pass-1') },
    });
    expect(res.status).toBe(200);
    const { access_token: accessToken } = (await res.json()) as { access_token: string };
    expect(accessToken.split('.')).toHaveLength(3);
    expect(await signIn('docker-user', 'wrong-pass')).toBe(401);
    expect(await signIn('someone-else', 'docker-pass-1')).toBe(401);

    const challenge = await fetch(`${dataEndpoint}/v2/`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe(`Bearer realm="${azure.url}/registries/${registry}/oauth2/token",service="${registry}.azurecr.io"`);
    expect((await fetch(`${dataEndpoint}/v2/`, { headers: { authorization: basic('docker-user', 'docker-pass-1') } })).status).toBe(200);
    expect((await fetch(`${dataEndpoint}/v2/`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    expect((await fetch(`${dataEndpoint}/v2/`, { headers: { authorization: basic('docker-user', 'nope') } })).status).toBe(401);

    await client.registries.beginGenerateCredentialsAndWait(rg, registry, { tokenId: id, name: 'password1' }, poll);
    expect(await signIn('docker-user', 'docker-pass-1')).toBe(401);
    const fresh = azure.acr.tokenPassword(registry, 'docker-user', 'password1')!;
    expect(await signIn('docker-user', fresh)).toBe(200);
    await client.tokens.beginUpdateAndWait(rg, registry, 'docker-user', { status: 'disabled' }, poll);
    expect(await signIn('docker-user', fresh)).toBe(401);
  });
});
