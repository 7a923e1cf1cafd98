/**
 * The Microsoft Graph `applications` emulator against the real `@microsoft/microsoft-graph-client`
 * 3.x (token from `ClientSecretCredential`), and the Entra ID side of client secrets: a new
 * secret only signs in after propagation, a removed or expired one never again.
 */
import { ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import type { PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureEmulator } from './azure/index.ts';
import type { AzureEmulator } from './azure/index.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const botId = 'a1b2c3d4-0000-4000-8000-00000000b07a';
const botSecret = 'graph-bot-secret';
/** A directory of its own, so the paging test counts only its apps. */
const bulkTenant = '0b0b0b0b-0000-4000-8000-0000000b01c0';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = 86_400_000;

let azure: AzureEmulator;
let graph: Client;

function credentialFor(tenantId: string, clientId: string, secret: string): ClientSecretCredential {
  return new ClientSecretCredential(tenantId, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
}

function graphClient(credential: ClientSecretCredential, customHosts = new Set([new URL(azure.url).hostname])): Client {
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [`${azure.url}/.default`] }),
    baseUrl: azure.url,
    customHosts,
  });
}

async function tokenOf(tenantId: string, clientId: string, secret: string, scope = `${azure.url}/.default`): Promise<string> {
  return (await credentialFor(tenantId, clientId, secret).getToken(scope)).token;
}

async function graphFailure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphError);
  return error as GraphError;
}

interface PasswordCredentialJson {
  customKeyIdentifier: null;
  displayName: string | null;
  endDateTime: string;
  hint: string;
  keyId: string;
  secretText: string | null;
  startDateTime: string;
}

beforeAll(async () => {
  azure = await startAzureEmulator();
  azure.identity.addClient(tenant, botId, botSecret);
  azure.identity.addClient(bulkTenant, botId, botSecret);
  graph = graphClient(credentialFor(tenant, botId, botSecret));
});
afterAll(() => azure.close());

describe('Graph applications: listing', () => {
  it('pages 2,500 apps at $top=999 over 3 pages by @odata.nextLink, with $select', async () => {
    const added = azure.graph.addApplications(2500, (i) => ({
      tenantId: bulkTenant,
      passwordCredentials: i % 2 === 0 ? [{ displayName: 'ci', endDateTime: new Date(Date.now() + (i + 1) * DAY) }] : [],
    }));
    const client = graphClient(credentialFor(bulkTenant, botId, botSecret));
    const select = 'id,appId,displayName,passwordCredentials';
    const before = azure.requests.length;

    const pages: { '@odata.context': string; '@odata.nextLink'?: string; value: Record<string, unknown>[] }[] = [];
    let page = (await client.api('/applications').select(select).top(999).get()) as (typeof pages)[number];
    pages.push(page);
    while (page['@odata.nextLink']) {
      page = (await client.api(page['@odata.nextLink']).get()) as (typeof pages)[number];
      pages.push(page);
    }

    expect(pages.map((p) => p.value.length)).toEqual([999, 999, 502]);
    expect(pages[0]!['@odata.context']).toBe(`${azure.url}/v1.0/$metadata#applications(${select})`);
    const first = new URL(pages[0]!['@odata.nextLink']!);
    expect(first.origin).toBe(azure.url);
    expect([first.pathname, first.searchParams.get('$select'), first.searchParams.get('$top')]).toEqual(['/v1.0/applications', select, '999']);
    expect(first.searchParams.get('$skiptoken')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(pages[2]!['@odata.nextLink']).toBeUndefined();

    const seen = pages.flatMap((p) => p.value);
    expect(seen.map((a) => a.id)).toEqual(added.map((a) => a.id)); // each app once, in order
    expect(new Set(seen.map((a) => a.appId)).size).toBe(2500);
    for (const app of seen) expect(Object.keys(app)).toEqual(['id', 'appId', 'displayName', 'passwordCredentials']);
    const creds = seen[0]!.passwordCredentials as PasswordCredentialJson[];
    expect(creds).toEqual([
      {
        customKeyIdentifier: null,
        displayName: 'ci',
        endDateTime: expect.any(String),
        hint: expect.stringMatching(/^.{3}$/),
        keyId: expect.stringMatching(GUID),
        secretText: null,
        startDateTime: expect.any(String),
      },
    ]);
    expect(seen[1]!.passwordCredentials).toEqual([]);

    const sent = azure.requests.slice(before).filter((r) => r.kind === 'graph');
    expect(sent.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/v1.0/applications', 200],
      ['GET', '/v1.0/applications', 200],
      ['GET', '/v1.0/applications', 200],
    ]);
    expect(sent.every((r) => /^Bearer /.test(r.headers.authorization ?? ''))).toBe(true);
    expect(azure.count('GET', /^\/v1\.0\//, 'graph')).toBeGreaterThanOrEqual(3);
  });

  it('pages by 100 without $top, which PageIterator follows to the end', async () => {
    const client = graphClient(credentialFor(bulkTenant, botId, botSecret));
    const before = azure.requests.length;
    const first = (await client.api('/applications').select('id').get()) as PageCollection;
    expect(first.value).toHaveLength(100);
    expect(new URL(first['@odata.nextLink']!).searchParams.has('$top')).toBe(false);
    const ids: string[] = [];
    await new PageIterator(client, first, (app: { id: string }) => {
      ids.push(app.id);
      return true;
    }).iterate();
    expect(new Set(ids).size).toBe(azure.graph.applications(bulkTenant).length);
    expect(azure.requests.slice(before).filter((r) => r.kind === 'graph')).toHaveLength(25);
  });

  it('creates 10,000 apps fast enough for a benchmark', () => {
    const started = performance.now();
    azure.graph.addApplications(10_000, () => ({ tenantId: '0c0c0c0c-0000-4000-8000-00000000be9c' }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(azure.graph.applications('0c0c0c0c-0000-4000-8000-00000000be9c')).toHaveLength(10_000);
  });

  it('finds one app by $filter=appId eq, and only in the token’s own tenant', async () => {
    const mine = azure.graph.addApplication({ displayName: 'filter-me', tenantId: tenant });
    const theirs = azure.graph.addApplication({ displayName: 'other-tenant', tenantId: bulkTenant });
    const found = (await graph.api('/applications').filter(`appId eq '${mine.appId}'`).select('id,appId,displayName').get()) as { value: unknown[] };
    expect(found.value).toEqual([{ id: mine.id, appId: mine.appId, displayName: 'filter-me' }]);
    const hidden = (await graph.api('/applications').filter(`appId eq '${theirs.appId}'`).get()) as { value: unknown[] };
    expect(hidden.value).toEqual([]);
    expect((await graphFailure(graph.api(`/applications/${theirs.id}`).get())).statusCode).toBe(404);
  });

  it('rejects $top above 999, unknown $select properties and unsupported filters with Graph’s 400', async () => {
    const top = await graphFailure(graph.api('/applications').top(1000).get());
    expect([top.statusCode, top.code, top.message]).toEqual([
      400,
      'Request_BadRequest',
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    ]);
    const select = await graphFailure(graph.api('/applications').select('id,secretText').get());
    expect([select.statusCode, select.code]).toEqual([400, 'Request_BadRequest']);
    expect(select.message).toContain("Could not find a property named 'secretText'");
    const filter = await graphFailure(graph.api('/applications').filter("notes eq 'x'").get());
    expect([filter.statusCode, filter.code]).toEqual([400, 'Request_UnsupportedQuery']);
  });
});

describe('Graph applications: one app', () => {
  it('gets an app by object id and by appId, honouring $select', async () => {
    const app = azure.graph.addApplication({ displayName: 'get-me', tenantId: tenant });
    const full = (await graph.api(`/applications/${app.id}`).get()) as Record<string, unknown>;
    expect(full).toMatchObject({
      '@odata.context': `${azure.url}/v1.0/$metadata#applications/$entity`,
      id: app.id,
      appId: app.appId,
      displayName: 'get-me',
      passwordCredentials: [],
      keyCredentials: [],
      signInAudience: 'AzureADMyOrg',
    });
    const byAppId = (await graph.api(`/applications(appId='${app.appId}')`).select('displayName').get()) as Record<string, unknown>;
    expect(byAppId).toEqual({ '@odata.context': `${azure.url}/v1.0/$metadata#applications(displayName)/$entity`, displayName: 'get-me' });
  });

  it('answers an unknown app with Graph’s 404 envelope and request ids', async () => {
    const missing = '5e1f0000-0000-4000-8000-00000000dead';
    const error = await graphFailure(graph.api(`/applications/${missing}`).get());
    expect([error.statusCode, error.code, error.message]).toEqual([
      404,
      'Request_ResourceNotFound',
      `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    ]);
    expect(error.requestId).toMatch(GUID);

    const token = await tokenOf(tenant, botId, botSecret);
    const res = await fetch(`${azure.url}/v1.0/applications(appId='${missing}')`, {
      headers: { authorization: `Bearer ${token}`, 'client-request-id': 'my-correlation' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(res.headers.get('client-request-id')).toBe('my-correlation');
    const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(Object.keys(body.error)).toEqual(['code', 'message', 'innerError']);
    expect(body.error.code).toBe('Request_ResourceNotFound');
    expect(body.error.innerError).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
      'request-id': res.headers.get('request-id'),
      'client-request-id': 'my-correlation',
    });
  });
});

describe('Graph applications: secrets', () => {
  it('addPassword returns secretText once; listings and gets never show it', async () => {
    const app = azure.graph.addApplication({ displayName: 'rotate-me', tenantId: tenant });
    const before = Date.now();
    const added = (await graph
      .api(`/applications/${app.id}/addPassword`)
      .post({ passwordCredential: { displayName: 'bot-2030', endDateTime: '2030-01-02T03:04:05Z' } })) as PasswordCredentialJson & { '@odata.context': string };
    expect(added['@odata.context']).toBe(`${azure.url}/v1.0/$metadata#microsoft.graph.passwordCredential`);
    expect(added).toMatchObject({
      customKeyIdentifier: null,
      displayName: 'bot-2030',
      endDateTime: '2030-01-02T03:04:05Z',
      keyId: expect.stringMatching(GUID),
    });
    expect(added.secretText).toMatch(/^[\w.~-]{40}$/);
    expect(added.hint).toBe(added.secretText!.slice(0, 3));
    expect(Date.parse(added.startDateTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(azure.graph.secretOf(app.appId, added.keyId)).toBe(added.secretText);

    const viaAppId = (await graph
      .api(`/applications(appId='${app.appId}')/addPassword`)
      .post({ passwordCredential: { displayName: 'default-end' } })) as PasswordCredentialJson;
    const start = new Date(viaAppId.startDateTime);
    expect(new Date(viaAppId.endDateTime).getUTCFullYear()).toBe(start.getUTCFullYear() + 2); // Graph's default: two years

    const got = JSON.stringify(await graph.api(`/applications/${app.id}`).get());
    const listed = JSON.stringify(await graph.api('/applications').filter(`appId eq '${app.appId}'`).get());
    for (const text of [got, listed]) {
      expect(text).not.toContain(added.secretText);
      expect(text).not.toContain(viaAppId.secretText);
      expect(text).toContain(added.keyId);
    }
    const shown = (JSON.parse(got) as { passwordCredentials: PasswordCredentialJson[] }).passwordCredentials;
    expect(shown.map((c) => [c.keyId, c.secretText, c.hint])).toEqual([
      [added.keyId, null, added.hint],
      [viaAppId.keyId, null, viaAppId.hint],
    ]);
    expect(azure.graph.application(app.id)!.passwordCredentials.map((c) => [c.keyId, c.displayName, c.endDateTime.toISOString()])).toEqual([
      [added.keyId, 'bot-2030', '2030-01-02T03:04:05.000Z'],
      [viaAppId.keyId, 'default-end', new Date(viaAppId.endDateTime).toISOString()],
    ]);
    expect(azure.graph.issuedSecrets(app.appId)).toEqual([added.secretText, viaAppId.secretText]);
  });

  it('a new secret signs in only after propagationMs (AADSTS7000215 before)', async () => {
    const app = azure.graph.addApplication({ displayName: 'slow-propagation', tenantId: tenant });
    azure.graph.propagationMs = 1500;
    try {
      const added = (await graph.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'new' } })) as PasswordCredentialJson;
      const addedAt = Date.now();
      const credential = credentialFor(tenant, app.appId, added.secretText!);
      await expect(credential.getToken(`${azure.url}/.default`)).rejects.toThrow(/AADSTS7000215/);
      await new Promise((r) => setTimeout(r, 1600 - (Date.now() - addedAt)));
      const token = await credential.getToken(`${azure.url}/.default`);
      expect(token.token.split('.')).toHaveLength(3);
      const refused = azure.requests.filter((r) => r.path === `/${tenant}/oauth2/v2.0/token` && (r.body as Record<string, string>).client_id === app.appId);
      expect(refused.map((r) => r.status)).toEqual([401, 200]);
    } finally {
      azure.graph.propagationMs = 0;
    }
  });

  it('never signs in with a new secret of a neverPropagate app', async () => {
    const stuck = azure.graph.addApplication({ displayName: 'stuck', tenantId: tenant });
    const fine = azure.graph.addApplication({ displayName: 'fine', tenantId: tenant });
    azure.graph.neverPropagate(stuck.appId);
    const a = (await graph.api(`/applications/${stuck.id}/addPassword`).post({ passwordCredential: { displayName: 'n' } })) as PasswordCredentialJson;
    const b = (await graph.api(`/applications/${fine.id}/addPassword`).post({ passwordCredential: { displayName: 'n' } })) as PasswordCredentialJson;
    expect(await tokenOf(tenant, fine.appId, b.secretText!)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    await expect(tokenOf(tenant, stuck.appId, a.secretText!)).rejects.toThrow(/AADSTS7000215/);
  });

  it('removePassword revokes the secret and drops the keyId; an unknown keyId is a 400', async () => {
    const keyId = 'c0ffee00-0000-4000-8000-000000000001';
    const app = azure.graph.addApplication({
      displayName: 'remove-me',
      tenantId: tenant,
      passwordCredentials: [{ keyId, displayName: 'old', endDateTime: new Date(Date.now() + 30 * DAY), secret: 'seeded-old-secret' }],
    });
    expect(await tokenOf(tenant, app.appId, 'seeded-old-secret')).toBeTruthy(); // seeded secrets work at once
    const removed: unknown = await graph.api(`/applications/${app.id}/removePassword`).post({ keyId });
    expect(removed).toBeFalsy();
    expect(azure.requests.at(-1)!.status).toBe(204);
    await expect(tokenOf(tenant, app.appId, 'seeded-old-secret')).rejects.toThrow(/AADSTS7000215/);
    const listed = (await graph.api('/applications').filter(`appId eq '${app.appId}'`).select('passwordCredentials').get()) as {
      value: { passwordCredentials: unknown[] }[];
    };
    expect(listed.value).toEqual([{ passwordCredentials: [] }]);
    expect(azure.graph.application(app.appId)!.passwordCredentials).toEqual([]);

    const again = await graphFailure(graph.api(`/applications(appId='${app.appId}')/removePassword`).post({ keyId }));
    expect([again.statusCode, again.code, again.message]).toEqual([400, 'Request_BadRequest', `No credential found with keyId '${keyId}'.`]);
  });

  it('an expired secret is refused with AADSTS7000222', async () => {
    const app = azure.graph.addApplication({
      displayName: 'expiring',
      tenantId: tenant,
      passwordCredentials: [{ displayName: 'ci', endDateTime: new Date(Date.now() + DAY), secret: 'about-to-expire' }],
    });
    expect(await tokenOf(tenant, app.appId, 'about-to-expire')).toBeTruthy();
    azure.graph.setEndDateTime(app.appId, 'ci', new Date(Date.now() - 1000));
    expect(azure.graph.application(app.id)!.passwordCredentials[0]!.endDateTime.getTime()).toBeLessThan(Date.now());
    await expect(tokenOf(tenant, app.appId, 'about-to-expire')).rejects.toThrow(/AADSTS7000222/);
  });

  it('an app without a service principal is refused with AADSTS700016, in Entra’s envelope', async () => {
    const app = azure.graph.addApplication({
      displayName: 'no-sp',
      tenantId: tenant,
      passwordCredentials: [{ endDateTime: new Date(Date.now() + DAY), secret: 'valid-but-no-sp' }],
    });
    expect(await tokenOf(tenant, app.appId, 'valid-but-no-sp')).toBeTruthy();
    azure.graph.removeServicePrincipal(app.appId);
    const res = await fetch(`${azure.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: 'valid-but-no-sp', scope: `${azure.url}/.default` }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string; error_codes: number[]; trace_id: string; correlation_id: string };
    expect(body.error).toBe('unauthorized_client');
    expect(body.error_codes).toEqual([700016]);
    // The description starts with the code; trace, correlation and time follow on lines of their own.
    expect(body.error_description).toMatch(
      new RegExp(
        `^AADSTS700016: Application with identifier '${app.appId}' was not found in the directory '${tenant}'\\..*\r\nTrace ID: ${body.trace_id}\r\nCorrelation ID: ${body.correlation_id}\r\nTimestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
        's',
      ),
    );
    await expect(tokenOf(tenant, app.appId, 'valid-but-no-sp')).rejects.toThrow(/AADSTS700016/);
    azure.graph.removeServicePrincipal(app.appId, false);
    expect(await tokenOf(tenant, app.appId, 'valid-but-no-sp')).toBeTruthy();
  });
});

describe('Graph applications: auth, throttling, headers', () => {
  it('answers 401 InvalidAuthenticationToken without a token or with a token for another audience', async () => {
    const bare = await fetch(`${azure.url}/v1.0/applications`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer realm=""/);
    expect(((await bare.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });

    const vaultToken = await tokenOf(tenant, botId, botSecret, 'https://vault.azure.net/.default');
    const wrong = await fetch(`${azure.url}/v1.0/applications`, { headers: { authorization: `Bearer ${vaultToken}` } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('Access token validation failure. Invalid audience.');

    // The Graph client attaches tokens only to hosts it knows: without customHosts it sends none.
    const noHosts = await graphFailure(
      graphClient(credentialFor(tenant, botId, botSecret), new Set())
        .api('/applications')
        .get(),
    );
    expect([noHosts.statusCode, noHosts.code]).toEqual([401, 'InvalidAuthenticationToken']);
  });

  it('throttles with 429 + Retry-After, which the Graph client waits out and retries', async () => {
    azure.graph.throttleNext(1, 1);
    const before = azure.requests.length;
    const started = Date.now();
    const page = (await graph.api('/applications').select('id').top(5).get()) as { value: unknown[] };
    expect(page.value.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const sent = azure.requests.slice(before).filter((r) => r.kind === 'graph');
    expect(sent.map((r) => r.status)).toEqual([429, 200]);
    expect(sent[1]!.headers['retry-attempt']).toBe('1');

    azure.graph.throttleNext(1, 7);
    const token = await tokenOf(tenant, botId, botSecret);
    const raw = await fetch(`${azure.url}/v1.0/applications`, { headers: { authorization: `Bearer ${token}` } });
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([429, '7']);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    const after = await fetch(`${azure.url}/v1.0/applications?$top=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(200); // only `count` requests are throttled
  });

  it('sends Graph’s headers and echoes client-request-id', async () => {
    const before = azure.requests.length;
    await graph.api('/applications').top(1).get();
    const sent = azure.requests.slice(before).find((r) => r.kind === 'graph')!;
    expect(sent.headers['client-request-id']).toMatch(GUID); // the Graph client sends one

    const token = await tokenOf(tenant, botId, botSecret);
    const res = await fetch(`${azure.url}/v1.0/applications?$top=1`, { headers: { authorization: `Bearer ${token}`, 'client-request-id': 'abc-123' } });
    expect(res.headers.get('content-type')).toBe('application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8');
    expect(res.headers.get('request-id')).toMatch(GUID);
    expect(res.headers.get('client-request-id')).toBe('abc-123');
    expect(res.headers.get('odata-version')).toBe('4.0');
  });
});
