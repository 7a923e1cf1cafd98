/**
 * The ACR data-plane emulator against the real `ContainerRegistryClient`
 * (@azure/container-registry 1.1.x): challenge, AAD → ACR token exchange, tags and catalog.
 */
import { isRestError } from '@azure/core-rest-pipeline';
import { ContainerRegistryClient, KnownContainerRegistryAudience } from '@azure/container-registry';
import { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureEmulator } from './azure/index.ts';
import type { AzureEmulator } from './azure/index.ts';

const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = 'a1b2c3d4-0000-4000-8000-00000000c11e';
const secret = 'emulator-test-secret';
const registry = 'contosodev';

let azure: AzureEmulator;
let acr: ContainerRegistryClient;

beforeAll(async () => {
  azure = await startAzureEmulator();
  azure.identity.addClient(tenant, clientId, secret);
  const credential = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true });
  acr = new ContainerRegistryClient(azure.registryData.endpoint(registry), credential, {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
  });
});
afterAll(() => azure.close());

describe('ACR data-plane emulator', () => {
  it('exchanges the AAD token after a challenge and returns the tag digest', async () => {
    const digest = azure.registryData.pushTag(`${registry}.azurecr.io`, 'app/web', 'v1');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const props = await acr.getArtifact('app/web', 'v1').getTagProperties('v1');
    expect(props.digest).toBe(digest);
    expect(props.repositoryName).toBe('app/web');

    const flow = azure.requests
      .filter((r) => r.path.startsWith(`/registries/${registry}/`))
      .map((r) => `${r.method} ${r.path.replace(`/registries/${registry}`, '')} ${r.status}`);
    expect(flow).toEqual(['GET /acr/v1/app%2Fweb/_tags/v1 401', 'POST /oauth2/exchange 200', 'POST /oauth2/token 200', 'GET /acr/v1/app%2Fweb/_tags/v1 200']);
    const challenge = azure.requests.find((r) => r.status === 401);
    expect(challenge).toBeDefined();
    const exchange = azure.requests.find((r) => r.path.endsWith('/oauth2/exchange'));
    expect(exchange?.body).toMatchObject({ grant_type: 'access_token', service: `${registry}.azurecr.io` });
    const token = azure.requests.find((r) => r.path.endsWith('/oauth2/token'));
    expect(token?.body).toMatchObject({ grant_type: 'refresh_token', service: `${registry}.azurecr.io`, scope: 'repository:app/web:metadata_read' });
    expect(azure.identity.issued().map((t) => t.scope)).toContain('https://management.azure.com/.default');
  });

  it('sends ACR’s challenge header and error envelope without a token', async () => {
    const res = await fetch(`${azure.registryData.endpoint(registry)}/acr/v1/app%2Fweb/_tags/v1?api-version=2021-07-01`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${azure.url}/registries/${registry}/oauth2/token",service="${registry}.azurecr.io",scope="repository:app/web:metadata_read"`,
    );
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('UNAUTHORIZED');
  });

  it('resolves manifest properties through the tag', async () => {
    const digest = azure.registryData.pushTag(registry, 'api', 'stable');
    const manifest = await acr.getArtifact('api', 'stable').getManifestProperties();
    expect(manifest.digest).toBe(digest);
    expect(manifest.tags).toEqual(['stable']);
  });

  it('lists tags across pages and the catalog', async () => {
    for (const t of ['t1', 't2', 't3', 't4', 't5']) azure.registryData.pushTag(registry, 'paged', t, `sha256:${t.repeat(32)}`);
    const tags: string[] = [];
    for await (const page of acr.getArtifact('paged', 't1').listTagProperties().byPage({ maxPageSize: 2 })) {
      expect(page.length).toBeLessThanOrEqual(2);
      tags.push(...page.map((t) => `${t.name}=${t.digest.slice(7, 11)}`));
    }
    expect(tags).toEqual(['t1=t1t1', 't2=t2t2', 't3=t3t3', 't4=t4t4', 't5=t5t5']);
    expect(azure.count('GET', /\/registries\/contosodev\/acr\/v1\/paged\/_tags$/)).toBeGreaterThanOrEqual(3);
    const repos: string[] = [];
    for await (const name of acr.listRepositoryNames()) repos.push(name);
    expect(repos).toEqual(['api', 'app/web', 'paged']);
  });

  it('sees a tag moved between approval and deploy', async () => {
    const approved = azure.registryData.pushTag(registry, 'deploy', 'v2');
    expect((await acr.getArtifact('deploy', 'v2').getTagProperties('v2')).digest).toBe(approved);
    const moved = azure.registryData.moveTag(registry, 'deploy', 'v2');
    expect(moved).not.toBe(approved);
    expect((await acr.getArtifact('deploy', 'v2').getTagProperties('v2')).digest).toBe(moved);
  });

  it('answers an unknown tag with TAG_UNKNOWN', async () => {
    azure.registryData.pushTag(registry, 'deploy', 'v2');
    const error = await acr
      .getArtifact('deploy', 'nope')
      .getTagProperties('nope')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isRestError(error)).toBe(true);
    if (!isRestError(error)) return;
    expect(error.statusCode).toBe(404);
    expect(error.response?.bodyAsText && JSON.parse(error.response.bodyAsText)).toEqual({
      errors: [{ code: 'TAG_UNKNOWN', message: 'the specified tag does not exist', detail: { Tag: 'nope' } }],
    });
  });

  it('serves what a successful ACR run pushed, under the digest the run reports, even when nobody followed the run', async () => {
    azure.acr.addRegistry({ subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-dev', name: registry });
    const before = azure.registryData.pushTag(registry, 'built', 'v1');
    azure.acr.nextRunScenario({ outcome: 'Succeeded', queuedMs: 0, durationMs: 200 }, { outcome: 'Failed', queuedMs: 0, durationMs: 200 });
    const { token } = await new ClientSecretCredential(tenant, clientId, secret, { authorityHost: azure.url, disableInstanceDiscovery: true }).getToken(
      `${azure.url}/.default`,
    );
    const schedule = (image: string) =>
      fetch(
        `${azure.url}/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-dev/providers/Microsoft.ContainerRegistry/registries/${registry}/scheduleRun?api-version=2019-06-01-preview`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'DockerBuildRequest',
            imageNames: [image],
            isPushEnabled: true,
            dockerFilePath: 'Dockerfile',
            platform: { os: 'Linux' },
            sourceLocation: 'https://github.com/org/app.git',
          }),
        },
      ).then(async (r) => ((await r.json()) as { properties: { runId: string } }).properties.runId);
    const ok = await schedule('built:v1');
    await schedule('built:v2'); // fails: pushes nothing
    await new Promise((r) => setTimeout(r, 400));

    const served = await acr.getArtifact('built', 'v1').getTagProperties('v1');
    expect(served.digest).not.toBe(before);
    expect(served.digest).toBe(azure.acr.run(ok)!.properties.outputImages![0]!.digest);
    await expect(acr.getArtifact('built', 'v2').getTagProperties('v2')).rejects.toMatchObject({ statusCode: 404 });
  });
});
