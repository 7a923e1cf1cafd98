/**
 * Registry administration in the Azure emulator, through the real
 * `ContainerRegistryManagementClient` (@azure/arm-containerregistry 11, api-version 2025-11-01)
 * and a real `ClientSecretCredential`: geo-replicas (Azure-AsyncOperation create, Location
 * delete, paged list with the home replica, ACR's refusals), scope maps and the tokens that name
 * them, and registry update / admin credentials. Run with
 * `node scripts/make-test-ca.ts test/.certs -- vitest run …`.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { Replication } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { rejection, startEmulator, subscription } from '../integration/azure-adapters/setup.ts';

const rg = 'rg-acr-admin';
const poll = { updateIntervalInMs: 20 };

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let client: ContainerRegistryManagementClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  const declare = (name: string, options: Partial<Parameters<AzureEmulator['acr']['addRegistry']>[0]> = {}) => {
    ids[name] = azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name, ...options }).id;
  };
  declare('contosogeo', { sku: 'Premium', location: 'eastus', zoneRedundancy: 'Enabled' });
  declare('contosoglobal', { sku: 'Premium', location: 'westus2', replications: ['westeurope', 'Japan East'] });
  declare('contosostd');
  declare('contososcopes');
  declare('contosoadmin');
  client = new ContainerRegistryManagementClient(credential, subscription, { endpoint: azure.url });
});
afterAll(() => azure?.close());
afterEach(() => {
  azure.acr.replicationOperationMs = 0;
  azure.acr.replicationPageSize = 20;
});

/** Requests to ARM paths under `registry` since `from`, as `METHOD /relative/path STATUS`. */
function armFlow(registry: string, from: number): string[] {
  const id = ids[registry]!;
  return azure.requests
    .slice(from)
    .filter((r) => r.kind === 'arm' && r.path.toLowerCase().startsWith(id.toLowerCase()))
    .map((r) => `${r.method} ${r.path.slice(id.length).replace(/(replications|scopemaps|registries|tokens)-[0-9a-f-]{36}/, '$1-{id}')} ${r.status}`);
}

async function armFetch(method: string, path: string, body?: unknown): Promise<Response> {
  const { token } = (await credential.getToken(`${azure.url}/.default`))!;
  return fetch(`${azure.url}${path}?api-version=2025-11-01`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

/** What the SDK received, one entry per HTTP response of an LRO: status, and the provisioning state or operation status. */
function recorder(): {
  seen: string[];
  onResponse: (r: { status: number; bodyAsText?: string | null; headers: { get(name: string): string | undefined } }) => void;
  headers: Record<string, string | undefined>[];
} {
  const seen: string[] = [];
  const headers: Record<string, string | undefined>[] = [];
  return {
    seen,
    headers,
    onResponse: (r) => {
      const body = r.bodyAsText ? (JSON.parse(r.bodyAsText) as { status?: string; properties?: { provisioningState?: string } }) : undefined;
      seen.push(`${r.status} ${body?.properties?.provisioningState ?? body?.status ?? '-'}`);
      headers.push({
        'azure-asyncoperation': r.headers.get('azure-asyncoperation'),
        location: r.headers.get('location'),
        'retry-after': r.headers.get('retry-after'),
      });
    },
  };
}

describe('ACR geo-replication', () => {
  it('creates a replica: 201 Creating + Azure-AsyncOperation, then Succeeded/Ready through the SDK poller', async () => {
    azure.acr.replicationOperationMs = 1200;
    const from = azure.requests.length;
    const rec = recorder();
    const poller = await client.replications.beginCreate(
      rg,
      'contosogeo',
      'westus',
      { location: 'westus', regionEndpointEnabled: true, tags: { purpose: 'dr' } },
      { ...poll, onResponse: rec.onResponse },
    );
    expect(rec.seen[0]).toBe('201 Creating');
    expect(rec.headers[0]!['azure-asyncoperation']).toMatch(
      new RegExp(`^${azure.url}${ids.contosogeo}/replications/westus/operationStatuses/replications-[0-9a-f-]{36}\\?api-version=2025-11-01$`),
    );
    expect(rec.headers[0]!['retry-after']).toBe('1');
    expect(azure.acr.replications('contosogeo').map((r) => [r.name, r.provisioningState, r.home])).toEqual([
      ['eastus', 'Succeeded', true],
      ['westus', 'Creating', false],
    ]);
    const during = await client.replications.get(rg, 'contosogeo', 'westus');
    expect([during.provisioningState, during.status?.displayStatus]).toEqual(['Creating', 'Provisioning']);

    const created: Replication = await poller.pollUntilDone();
    expect(created).toMatchObject({
      id: `${ids.contosogeo}/replications/westus`,
      name: 'westus',
      type: 'Microsoft.ContainerRegistry/registries/replications',
      location: 'westus',
      tags: { purpose: 'dr' },
      provisioningState: 'Succeeded',
      regionEndpointEnabled: true,
      zoneRedundancy: 'Disabled',
      status: { displayStatus: 'Ready', message: 'The replication is ready.' },
    });
    expect(created.status!.timestamp).toBeInstanceOf(Date);
    // The operation status said InProgress before it said Succeeded; then the SDK read the replica.
    expect(rec.seen.slice(1)).toContain('200 InProgress');
    expect(rec.seen.slice(-2)).toEqual(['200 Succeeded', '200 Succeeded']);
    const flow = armFlow('contosogeo', from);
    expect(flow[0]).toBe('PUT /replications/westus 201');
    expect(flow.at(-1)).toBe('GET /replications/westus 200');
    expect(flow).toContain('GET /replications/westus/operationStatuses/replications-{id} 200');
    expect(azure.acr.replications('contosogeo').find((r) => r.name === 'westus')!.provisioningState).toBe('Succeeded');

    // A second PUT updates it in place: 200 Updating with its own operation.
    const again = recorder();
    const updated = await client.replications.beginCreateAndWait(
      rg,
      'contosogeo',
      'westus',
      { location: 'West US', regionEndpointEnabled: false },
      { ...poll, onResponse: again.onResponse },
    );
    expect(again.seen[0]).toBe('200 Updating');
    expect(updated).toMatchObject({ provisioningState: 'Succeeded', regionEndpointEnabled: false, location: 'westus' });
  });

  it('lists the home replica first and pages with nextLink', async () => {
    const names = async (registry: string) => {
      const pages: string[][] = [];
      for await (const page of client.replications.list(rg, registry).byPage()) pages.push(page.map((r) => r.name!));
      return pages;
    };
    expect((await names('contosogeo')).flat()).toEqual(['eastus', 'westus']);
    const home = await client.replications.get(rg, 'contosogeo', 'eastus');
    expect(home).toMatchObject({ location: 'eastus', provisioningState: 'Succeeded', zoneRedundancy: 'Enabled', status: { displayStatus: 'Ready' } });

    azure.acr.replicationPageSize = 2;
    expect(await names('contosoglobal')).toEqual([['westus2', 'japaneast'], ['westeurope']]);
    const res = await armFetch('GET', `${ids.contosoglobal}/replications`);
    const body = (await res.json()) as { value: { location: string }[]; nextLink?: string };
    expect(body.value.map((r) => r.location)).toEqual(['westus2', 'japaneast']);
    expect(body.nextLink).toMatch(new RegExp(`^${azure.url}${ids.contosoglobal}/replications\\?api-version=2025-11-01&%24skipToken=`));
    expect(azure.acr.replications('contosoglobal').map((r) => [r.name, r.home])).toEqual([
      ['westus2', true],
      ['japaneast', false],
      ['westeurope', false],
    ]);

    expect(await names('contosostd')).toEqual([[]]);
    expect(await rejection(client.replications.get(rg, 'contosogeo', 'northeurope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('refuses what ACR refuses, with ARM error envelopes', async () => {
    const standard = await rejection(client.replications.beginCreateAndWait(rg, 'contosostd', 'westus', { location: 'westus' }, poll));
    expect(standard).toMatchObject({ statusCode: 400, code: 'ReplicationNotSupported' });
    expect((standard as Error).message).toBe('Replications are only supported for managed registries in Premium SKU.');

    const inHome = await rejection(client.replications.beginCreateAndWait(rg, 'contosogeo', 'eastusbis', { location: 'eastus' }, poll));
    expect(inHome).toMatchObject({ statusCode: 400, code: 'ReplicationAlreadyExists' });
    expect((inHome as Error).message).toBe('Replication could not be created in the same location as the registry.');
    expect(await rejection(client.replications.beginCreateAndWait(rg, 'contosoglobal', 'europe2', { location: 'westeurope' }, poll))).toMatchObject({
      statusCode: 400,
      code: 'ReplicationAlreadyExists',
    });

    const moon = await rejection(client.replications.beginCreateAndWait(rg, 'contosogeo', 'moonbase', { location: 'moonbase1' }, poll));
    expect(moon).toMatchObject({ statusCode: 400, code: 'LocationNotAvailableForResourceType' });
    expect((moon as Error).message).toContain(
      "The provided location 'moonbase1' is not available for resource type 'Microsoft.ContainerRegistry/registries/replications'",
    );
    const noLocation = await armFetch('PUT', `${ids.contosogeo}/replications/nowhere`, { properties: {} });
    expect(noLocation.status).toBe(400);
    expect(await noLocation.json()).toEqual({ error: { code: 'LocationRequired', message: 'The location property is required for this definition.' } });
    const moved = await rejection(client.replications.beginCreateAndWait(rg, 'contosoglobal', 'westeurope', { location: 'northeurope' }, poll));
    expect(moved).toMatchObject({ statusCode: 400, code: 'InvalidResourceLocation' });

    const homeDelete = await rejection(client.replications.beginDeleteAndWait(rg, 'contosogeo', 'eastus', poll));
    expect(homeDelete).toMatchObject({ statusCode: 400, code: 'HomeReplicationCannotBeDeleted' });

    // The home replica's own name and location: ACR takes it as a no-op (200, no LRO).
    const from = azure.requests.length;
    const home = await client.replications.beginCreateAndWait(rg, 'contosogeo', 'eastus', { location: 'eastus' }, poll);
    expect(home).toMatchObject({ name: 'eastus', provisioningState: 'Succeeded' });
    expect(armFlow('contosogeo', from)).toEqual(['PUT /replications/eastus 200']);
    expect(azure.acr.replications('contosogeo').map((r) => r.name)).toEqual(['eastus', 'westus']);
    expect(azure.acr.replications('contosostd')).toEqual([]);
  });

  it('deletes a replica through Location polling: 202, Deleting, then gone', async () => {
    await client.replications.beginCreateAndWait(rg, 'contosoglobal', 'brazil01', { location: 'brazilsouth' }, poll);
    azure.acr.replicationOperationMs = 800;
    const from = azure.requests.length;
    const rec = recorder();
    const poller = await client.replications.beginDelete(rg, 'contosoglobal', 'brazil01', { ...poll, onResponse: rec.onResponse });
    expect(rec.seen[0]).toBe('202 -');
    expect(rec.headers[0]!.location).toMatch(
      new RegExp(`^${azure.url}${ids.contosoglobal}/replications/brazil01/operationStatuses/replications-[0-9a-f-]{36}\\?api-version=2025-11-01$`),
    );
    expect(rec.headers[0]!['retry-after']).toBe('1');
    expect(azure.acr.replications('contosoglobal').find((r) => r.name === 'brazil01')!.provisioningState).toBe('Deleting');
    await poller.pollUntilDone();
    // The location answers 202 while the deletion runs, then 200.
    const flow = armFlow('contosoglobal', from);
    expect(flow[0]).toBe('DELETE /replications/brazil01 202');
    expect(flow.at(-1)).toBe('GET /replications/brazil01/operationStatuses/replications-{id} 200');
    expect(flow.slice(1, -1).length).toBeGreaterThan(0);
    expect(new Set(flow.slice(1, -1))).toEqual(new Set(['GET /replications/brazil01/operationStatuses/replications-{id} 202']));
    expect(rec.seen.slice(1)).toEqual([...flow.slice(1, -1).map(() => '202 -'), '200 -']);
    expect(azure.acr.replications('contosoglobal').map((r) => r.name)).toEqual(['westus2', 'japaneast', 'westeurope']);
    expect(await rejection(client.replications.get(rg, 'contosoglobal', 'brazil01'))).toMatchObject({ statusCode: 404 });
    expect((await armFetch('DELETE', `${ids.contosoglobal}/replications/brazil01`)).status).toBe(204);

    // A slower deletion answers 202 at its location until it has run.
    azure.acr.replicationOperationMs = 60_000;
    const res = await armFetch('DELETE', `${ids.contosoglobal}/replications/japaneast`);
    expect(res.status).toBe(202);
    const location = res.headers.get('location')!;
    const { token } = (await credential.getToken(`${azure.url}/.default`))!;
    const pending = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    expect(pending.status).toBe(202);
    expect(pending.headers.get('location')).toBe(location);
    expect((await client.replications.get(rg, 'contosoglobal', 'japaneast')).provisioningState).toBe('Deleting');
  });
});

describe('ACR scope maps and the tokens that name them', () => {
  it('creates a scope map (201 + Azure-AsyncOperation) and a token that uses it; refuses unknown scope maps', async () => {
    const from = azure.requests.length;
    const rec = recorder();
    const map = await client.scopeMaps.beginCreateAndWait(
      rg,
      'contososcopes',
      'app-push',
      {
        description: 'CI pushes app',
        actions: ['repositories/app/content/read', 'repositories/app/content/write', 'repositories/team/*/metadata/read'],
      },
      { ...poll, onResponse: rec.onResponse },
    );
    expect(map).toMatchObject({
      id: `${ids.contososcopes}/scopeMaps/app-push`,
      name: 'app-push',
      type: 'Microsoft.ContainerRegistry/registries/scopeMaps',
      typePropertiesType: 'UserDefined',
      description: 'CI pushes app',
      provisioningState: 'Succeeded',
      actions: ['repositories/app/content/read', 'repositories/app/content/write', 'repositories/team/*/metadata/read'],
    });
    expect(map.creationDate).toBeInstanceOf(Date);
    expect(rec.headers[0]!['azure-asyncoperation']).toMatch(
      new RegExp(`^${azure.url}${ids.contososcopes}/scopeMaps/app-push/operationStatuses/scopemaps-[0-9a-f-]{36}\\?api-version=2025-11-01$`),
    );
    expect(armFlow('contososcopes', from)).toEqual([
      'PUT /scopeMaps/app-push 201',
      'GET /scopeMaps/app-push/operationStatuses/scopemaps-{id} 200',
      'GET /scopeMaps/app-push 200',
    ]);
    expect(azure.acr.scopeMap('contososcopes', 'app-push')).toEqual({
      id: map.id,
      name: 'app-push',
      type: 'UserDefined',
      description: 'CI pushes app',
      actions: ['repositories/app/content/read', 'repositories/app/content/write', 'repositories/team/*/metadata/read'],
    });

    const token = await client.tokens.beginCreateAndWait(rg, 'contososcopes', 'ci-app', { scopeMapId: map.id, status: 'enabled' }, poll);
    expect(token).toMatchObject({ scopeMapId: map.id, provisioningState: 'Succeeded' });
    expect(azure.acr.token('contososcopes', 'ci-app')!.scopeMapId).toBe(map.id);
    const system = await client.tokens.beginCreateAndWait(
      rg,
      'contososcopes',
      'ci-pull',
      { scopeMapId: `${ids.contososcopes}/scopeMaps/_repositories_pull` },
      poll,
    );
    expect(system.provisioningState).toBe('Succeeded');

    const ghost = `${ids.contososcopes}/scopeMaps/no-such-map`;
    const refused = await rejection(client.tokens.beginCreateAndWait(rg, 'contososcopes', 'ci-ghost', { scopeMapId: ghost }, poll));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect((refused as Error).message).toContain(`The scope map '${ghost}' does not exist`);
    expect(azure.acr.token('contososcopes', 'ci-ghost')).toBeUndefined();
    expect(await rejection(client.tokens.beginUpdateAndWait(rg, 'contososcopes', 'ci-app', { scopeMapId: ghost }, poll))).toMatchObject({
      statusCode: 400,
      code: 'InvalidParameter',
    });
    expect(azure.acr.token('contososcopes', 'ci-app')!.scopeMapId).toBe(map.id);
  });

  it("lists the system-defined maps with the registry's own, and refuses bad actions and system-map changes", async () => {
    azure.acr.addScopeMap('contososcopes', 'zz-readers', ['repositories/*/content/read'], 'readers');
    const maps: { name?: string; typePropertiesType?: string; actions?: string[] }[] = [];
    for await (const m of client.scopeMaps.list(rg, 'contososcopes')) maps.push(m);
    expect(maps.map((m) => [m.name, m.typePropertiesType])).toEqual([
      ['_repositories_admin', 'SystemDefined'],
      ['_repositories_pull', 'SystemDefined'],
      ['_repositories_pull_metadata_read', 'SystemDefined'],
      ['_repositories_push', 'SystemDefined'],
      ['_repositories_push_metadata_write', 'SystemDefined'],
      ['app-push', 'UserDefined'],
      ['zz-readers', 'UserDefined'],
    ]);
    expect(maps[1]!.actions).toEqual(['repositories/*/content/read']);
    expect(azure.acr.scopeMap('contososcopes', '_repositories_push')).toMatchObject({
      type: 'SystemDefined',
      actions: ['repositories/*/content/read', 'repositories/*/content/write'],
    });

    for (const actions of [['repositories/myrepository/contentWrite'], ['repositories/App/content/read'], ['registry/content/read'], []]) {
      const bad = await rejection(client.scopeMaps.beginCreateAndWait(rg, 'contososcopes', 'bad-map', { actions }, poll));
      expect(bad, JSON.stringify(actions)).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    }
    expect(azure.acr.scopeMap('contososcopes', 'bad-map')).toBeUndefined();
    expect(
      await rejection(client.scopeMaps.beginCreateAndWait(rg, 'contososcopes', '_repositories_pull', { actions: ['repositories/x/content/read'] }, poll)),
    ).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
    expect(await rejection(client.scopeMaps.beginDeleteAndWait(rg, 'contososcopes', '_repositories_admin', poll))).toMatchObject({ statusCode: 400 });
    expect(await rejection(client.scopeMaps.get(rg, 'contososcopes', 'no-such-map'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('deletes a scope map through Location polling; tokens can no longer name it', async () => {
    const from = azure.requests.length;
    await client.scopeMaps.beginDeleteAndWait(rg, 'contososcopes', 'zz-readers', poll);
    expect(armFlow('contososcopes', from)).toEqual(['DELETE /scopeMaps/zz-readers 202', 'GET /scopeMaps/zz-readers/operationStatuses/scopemaps-{id} 200']);
    expect(azure.acr.scopeMap('contososcopes', 'zz-readers')).toBeUndefined();
    expect((await armFetch('DELETE', `${ids.contososcopes}/scopeMaps/zz-readers`)).status).toBe(204);
    expect(
      await rejection(client.tokens.beginCreateAndWait(rg, 'contososcopes', 'ci-readers', { scopeMapId: `${ids.contososcopes}/scopeMaps/zz-readers` }, poll)),
    ).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
  });
});

describe('ACR registry update and admin credentials', () => {
  it('toggles the admin user with beginUpdateAndWait (201 Updating + Azure-AsyncOperation), visible in registries.get', async () => {
    const before = await client.registries.get(rg, 'contosoadmin');
    expect([before.adminUserEnabled, before.sku.name, before.sku.tier, before.zoneRedundancy]).toEqual([false, 'Standard', 'Standard', 'Disabled']);
    const refused = await rejection(client.registries.listCredentials(rg, 'contosoadmin'));
    expect(refused).toMatchObject({ statusCode: 400, code: 'UnAuthorizedForCredentialOperations' });
    expect((refused as Error).message).toBe(
      `Cannot perform credential operations for ${ids.contosoadmin} as admin user is disabled. Kindly enable admin user as per docs: https://docs.microsoft.com/en-us/azure/container-registry/container-registry-authentication#admin-account`,
    );

    const from = azure.requests.length;
    const rec = recorder();
    const updated = await client.registries.beginUpdateAndWait(
      rg,
      'contosoadmin',
      { adminUserEnabled: true, tags: { team: 'platform' } },
      { ...poll, onResponse: rec.onResponse },
    );
    expect(rec.seen[0]).toBe('201 Updating');
    expect(rec.headers[0]!['azure-asyncoperation']).toMatch(
      new RegExp(`^${azure.url}${ids.contosoadmin}/operationStatuses/registries-[0-9a-f-]{36}\\?api-version=2025-11-01$`),
    );
    expect(updated).toMatchObject({ adminUserEnabled: true, provisioningState: 'Succeeded', tags: { team: 'platform' } });
    expect(armFlow('contosoadmin', from)).toEqual(['PATCH  201', 'GET /operationStatuses/registries-{id} 200', 'GET  200']);
    expect((await client.registries.get(rg, 'contosoadmin')).adminUserEnabled).toBe(true);
    expect(azure.acr.registry('contosoadmin')).toMatchObject({ adminUserEnabled: true, sku: 'Standard', tags: { team: 'platform' } });

    const credentials = await client.registries.listCredentials(rg, 'contosoadmin');
    expect(credentials.username).toBe('contosoadmin');
    expect(credentials.passwords!.map((p) => p.name)).toEqual(['password', 'password2']);
    const [one, two] = credentials.passwords!.map((p) => p.value!);
    expect(one).toMatch(/^[A-Za-z0-9]{52}$/);
    expect(one).not.toBe(two);
    const regenerated = await client.registries.regenerateCredential(rg, 'contosoadmin', { name: 'password2' });
    expect(regenerated.passwords!.map((p) => p.value)).toEqual([one, expect.not.stringMatching(two!)]);

    await client.registries.beginUpdateAndWait(rg, 'contosoadmin', { adminUserEnabled: false }, poll);
    expect((await client.registries.get(rg, 'contosoadmin')).adminUserEnabled).toBe(false);
    expect(azure.acr.registry('contosoadmin')!.adminUserEnabled).toBe(false);
    expect(await rejection(client.registries.listCredentials(rg, 'contosoadmin'))).toMatchObject({ statusCode: 400 });
  });

  it('changes the sku: Premium brings the home replica; leaving Premium with geo-replicas is refused', async () => {
    const premium = await client.registries.beginUpdateAndWait(rg, 'contosoadmin', { sku: { name: 'Premium' } }, poll);
    expect(premium.sku).toMatchObject({ name: 'Premium', tier: 'Premium' });
    expect(azure.acr.registry('contosoadmin')!.sku).toBe('Premium');
    expect(azure.acr.replications('contosoadmin').map((r) => [r.name, r.home])).toEqual([['eastus', true]]);

    const downgrade = await rejection(client.registries.beginUpdateAndWait(rg, 'contosoglobal', { sku: { name: 'Standard' } }, poll));
    expect(downgrade).toMatchObject({ statusCode: 400, code: 'RegistrySkuDowngradeNotSupported' });
    expect(azure.acr.registry('contosoglobal')!.sku).toBe('Premium');
    expect(await rejection(client.registries.beginUpdateAndWait(rg, 'contosoadmin', { sku: { name: 'Gold' } }, poll))).toMatchObject({
      statusCode: 400,
      code: 'InvalidParameter',
    });

    expect((await client.registries.get(rg, 'contosogeo')).zoneRedundancy).toBe('Enabled');
    expect(azure.acr.registry('contosogeo')).toMatchObject({ sku: 'Premium', zoneRedundancy: 'Enabled', adminUserEnabled: false });
    expect(azure.acr.registry('nosuchregistry')).toBeUndefined();
  });
});
