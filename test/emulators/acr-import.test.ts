/**
 * `registries.beginImportImage` in the Azure emulator through the real
 * `ContainerRegistryManagementClient` (@azure/arm-containerregistry 11, api-version 2025-11-01) and
 * the real `ContainerRegistryClient` on the data plane: a 202 + Location operation that copies an
 * image by digest or by tag across subscriptions (or from a public registry), keeping its digest;
 * NoForce / Force on existing tags; a missing source and a scripted failure that surface through
 * the poll; ARM's 403 when the caller may not pull from the source; a slow import a new worker
 * resumes from the saved poller state; and the ARM calls counted per registry.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { ImportImageParameters } from '@azure/arm-containerregistry';
import { ContainerRegistryClient, KnownContainerRegistryAudience } from '@azure/container-registry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEmulator } from './azure/index.ts';
import { clientId, rejection, startEmulator, subscription as devSubscription } from '../integration/azure-adapters/setup.ts';

const prodSubscription = '00000000-0000-0000-0000-0000000000f1';
const source = { rg: 'rg-dev', name: 'contosodevimg' };
const target = { rg: 'rg-prod', name: 'contosoprodimg' };
const DIGEST = /^sha256:[0-9a-f]{64}$/;

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let prod: ContainerRegistryManagementClient;
let sourceId: string;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  sourceId = azure.acr.addRegistry({ subscriptionId: devSubscription, resourceGroup: source.rg, name: source.name }).id;
  azure.acr.addRegistry({ subscriptionId: prodSubscription, resourceGroup: target.rg, name: target.name, location: 'westeurope' });
  prod = new ContainerRegistryManagementClient(credential, prodSubscription, { endpoint: azure.url });
});
afterAll(() => azure?.close());
afterEach(() => {
  azure.acr.importOperationMs = 0;
  azure.acr.allowPull(source.name);
});

/** A tag pushed to the dev registry, with a digest of its own. */
function pushToDev(repo: string, tag: string): string {
  return azure.registryData.pushTag(source.name, repo, tag);
}

function data(registry: string): ContainerRegistryClient {
  return new ContainerRegistryClient(azure.registryData.endpoint(registry), credential, {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
  });
}

async function importToProd(parameters: ImportImageParameters): Promise<void> {
  await prod.registries.beginImportImageAndWait(target.rg, target.name, parameters, { updateIntervalInMs: 20 });
}

describe('importImage: copies keep the digest', () => {
  it('imports by manifest digest across subscriptions: 202 + Location, polled to 200; tag and untagged repository get the same digest', async () => {
    const digest = pushToDev('web', 'build-17');
    const from = azure.requests.length;
    await importToProd({
      source: { resourceId: sourceId, sourceImage: `web@${digest}` },
      targetTags: ['web:v1'],
      untaggedTargetRepositories: ['web-archive'],
      mode: 'NoForce',
    });

    const flow = azure.requests.slice(from).filter((r) => r.kind === 'arm');
    expect(flow.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 202', 'GET 200']);
    const [post, poll] = flow;
    expect(post!.path).toBe(
      `/subscriptions/${prodSubscription}/resourceGroups/${target.rg}/providers/Microsoft.ContainerRegistry/registries/${target.name}/importImage`,
    );
    expect(post!.query['api-version']).toBe('2025-11-01');
    expect(post!.body).toEqual({
      source: { resourceId: sourceId, sourceImage: `web@${digest}` },
      targetTags: ['web:v1'],
      untaggedTargetRepositories: ['web-archive'],
      mode: 'NoForce',
    });
    expect(poll!.path).toMatch(
      new RegExp(
        `^/subscriptions/${prodSubscription}/resourceGroups/${target.rg}/providers/Microsoft\\.ContainerRegistry/locations/westeurope/operationResults/operationStatuses/registries-[0-9a-f-]{36}$`,
      ),
    );
    expect(poll!.query['api-version']).toBe('2025-11-01');

    expect(await (await data(target.name)).getArtifact('web', 'v1').getTagProperties('v1')).toMatchObject({ digest });
    const archived = await data(target.name).getArtifact('web-archive', digest).getManifestProperties();
    expect(archived).toMatchObject({ digest, tags: [] });
    expect(azure.acr.imports(target.name).at(-1)).toMatchObject({
      registry: target.name,
      source: sourceId,
      sourceImage: `web@${digest}`,
      digest,
      targetTags: ['web:v1'],
      untaggedTargetRepositories: ['web-archive'],
      mode: 'NoForce',
      status: 'Succeeded',
      clientId,
    });
  });

  it('imports by tag: a target tag without a tag takes the source tag; what a build pushed in dev can be promoted', async () => {
    azure.acr.timing.queuedMs = 0;
    azure.acr.timing.buildDurationMs = 50;
    const runId = azure.acr.startRun(source.name, { imageNames: ['api:v2'] });
    azure.acr.completeRun(runId, 'Succeeded', source.name);
    const built = azure.acr.run(runId, source.name)!.properties.outputImages![0]!.digest;
    await importToProd({ source: { resourceId: sourceId, sourceImage: 'api:v2' }, targetTags: ['api'] });
    expect(azure.registryData.digestOf(target.name, 'api', 'v2')).toBe(built);
  });

  it('imports from a public registry by registryUri, and from an emulated one with a repository-scoped token', async () => {
    const hello = azure.acr.addPublicImage('registry.hub.docker.com', 'library/hello-world:latest');
    await importToProd({ source: { registryUri: 'registry.hub.docker.com', sourceImage: 'library/hello-world' }, targetTags: ['hello-world:latest'] });
    expect(azure.registryData.digestOf(target.name, 'hello-world', 'latest')).toBe(hello);

    const digest = pushToDev('worker', '1.0');
    azure.acr.addToken(source.name, 'ci-pull', { passwords: [{ name: 'password1', value: 'token-password-1' }] });
    await importToProd({
      source: { registryUri: `${source.name}.azurecr.io`, sourceImage: 'worker:1.0', credentials: { username: 'ci-pull', password: 'token-password-1' } },
      targetTags: ['worker:1.0'],
    });
    expect(azure.registryData.digestOf(target.name, 'worker', '1.0')).toBe(digest);
    const refused = await rejection(
      importToProd({
        source: { registryUri: `${source.name}.azurecr.io`, sourceImage: 'worker:1.0', credentials: { username: 'ci-pull', password: 'wrong' } },
        targetTags: ['worker:refused'],
      }),
    );
    expect(refused).toMatchObject({ statusCode: 400, code: 'InvalidParameters' });
    expect((refused as Error).message).toContain('UNAUTHORIZED');
  });
});

describe('importImage: existing tags and failures', () => {
  it('NoForce fails through the operation when a target tag exists, whatever its digest; Force overwrites, and re-importing the same digest is one image', async () => {
    const first = pushToDev('shop', 'v1');
    await importToProd({ source: { resourceId: sourceId, sourceImage: `shop@${first}` }, targetTags: ['shop:v1'] });
    const second = pushToDev('shop', 'v2');

    const from = azure.requests.length;
    const conflict = await rejection(
      importToProd({ source: { resourceId: sourceId, sourceImage: `shop@${second}` }, targetTags: ['shop:v1'], mode: 'NoForce' }),
    );
    expect(conflict).toMatchObject({ statusCode: 400, code: 'InvalidParameters' });
    expect((conflict as Error).message).toBe('Tag shop:v1 already exists in target registry.');
    expect(
      azure.requests
        .slice(from)
        .filter((r) => r.kind === 'arm')
        .map((r) => `${r.method} ${r.status}`),
    ).toEqual(['POST 202', 'GET 400']);
    expect(azure.registryData.digestOf(target.name, 'shop', 'v1')).toBe(first);
    // The spec's ImportMode: "any existing target tags will fail", the same digest included.
    expect(await rejection(importToProd({ source: { resourceId: sourceId, sourceImage: `shop@${first}` }, targetTags: ['shop:v1'] }))).toMatchObject({
      statusCode: 400,
    });
    expect(azure.acr.imports(target.name).at(-1)).toMatchObject({
      status: 'Failed',
      error: { code: 'InvalidParameters', message: 'Tag shop:v1 already exists in target registry.' },
    });

    await importToProd({ source: { resourceId: sourceId, sourceImage: `shop@${second}` }, targetTags: ['shop:v1'], mode: 'Force' });
    expect(azure.registryData.digestOf(target.name, 'shop', 'v1')).toBe(second);
    await importToProd({
      source: { resourceId: sourceId, sourceImage: `shop@${second}` },
      targetTags: ['shop:v1'],
      untaggedTargetRepositories: ['shop'],
      mode: 'Force',
    });
    await importToProd({ source: { resourceId: sourceId, sourceImage: `shop@${second}` }, untaggedTargetRepositories: ['shop'] });
    expect(azure.registryData.digestOf(target.name, 'shop', 'v1')).toBe(second);
    expect((await data(target.name).getArtifact('shop', second).getManifestProperties()).tags).toEqual(['v1']);
  });

  it('a source image that does not exist fails through the operation, and nothing lands', async () => {
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    for (const sourceImage of ['web:no-such-tag', `web@${missingDigest}`, 'nothing-here']) {
      const failed = await rejection(importToProd({ source: { resourceId: sourceId, sourceImage }, targetTags: ['ghost:v1'] }));
      expect(failed).toMatchObject({ statusCode: 400, code: 'InvalidParameters' });
      expect((failed as Error).message).toBe(`The source image '${source.name}.azurecr.io/${sourceImage}' was not found.`);
    }
    expect(azure.registryData.digestOf(target.name, 'ghost', 'v1')).toBeUndefined();
  });

  it('a scripted failure ends the next operation with its error at the Location; the one after succeeds', async () => {
    const digest = pushToDev('batch', 'v1');
    azure.acr.failNextImport();
    const failed = await rejection(importToProd({ source: { resourceId: sourceId, sourceImage: 'batch:v1' }, targetTags: ['batch:v1'] }));
    expect(failed).toMatchObject({ statusCode: 400, code: 'InvalidParameters', message: 'Error copying blobs' });
    azure.acr.failNextImport({ status: 409, code: 'Conflict', message: 'Another operation is in progress on the registry.' });
    expect(await rejection(importToProd({ source: { resourceId: sourceId, sourceImage: 'batch:v1' }, targetTags: ['batch:v1'] }))).toMatchObject({
      statusCode: 409,
      code: 'Conflict',
    });
    expect(azure.registryData.digestOf(target.name, 'batch', 'v1')).toBeUndefined();
    await importToProd({ source: { resourceId: sourceId, sourceImage: 'batch:v1' }, targetTags: ['batch:v1'] });
    expect(azure.registryData.digestOf(target.name, 'batch', 'v1')).toBe(digest);
  });
});

describe('importImage: refusals before the operation', () => {
  it("answers ARM's 403 LinkedAuthorizationFailed when the caller may not pull from the source, or the source does not exist", async () => {
    pushToDev('secret', 'v1');
    azure.acr.denyPull(source.name, clientId);
    const from = azure.requests.length;
    const denied = await rejection(importToProd({ source: { resourceId: sourceId, sourceImage: 'secret:v1' }, targetTags: ['secret:v1'] }));
    expect(denied).toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
    const message = (denied as Error).message;
    expect(message).toContain(`The client '${clientId}' with object id '`);
    expect(message).toContain("'Microsoft.ContainerRegistry/registries/importImage/action'");
    expect(message).toContain(`'Microsoft.ContainerRegistry/registries/pull/read' on the linked scope(s) '${sourceId}'`);
    expect(azure.requests.slice(from).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 403']);
    expect(azure.registryData.digestOf(target.name, 'secret', 'v1')).toBeUndefined();

    azure.acr.denyPull(source.name, 'someone-else');
    azure.acr.allowPull(source.name, clientId);
    await importToProd({ source: { resourceId: sourceId, sourceImage: 'secret:v1' }, targetTags: ['secret:v1'] });
    expect(azure.registryData.digestOf(target.name, 'secret', 'v1')).toMatch(DIGEST);

    const ghost = sourceId.replace(source.name, 'contosoghost');
    expect(await rejection(importToProd({ source: { resourceId: ghost, sourceImage: 'web:v1' }, targetTags: ['web:ghost'] }))).toMatchObject({
      statusCode: 403,
      code: 'LinkedAuthorizationFailed',
    });
    const wrongGroup = sourceId.replace(`/resourceGroups/${source.rg}/`, '/resourceGroups/rg-other/');
    expect(await rejection(importToProd({ source: { resourceId: wrongGroup, sourceImage: 'web:v1' }, targetTags: ['web:ghost'] }))).toMatchObject({
      statusCode: 403,
    });
  });

  it.each([
    [
      { source: { resourceId: 'contosodevimg', sourceImage: 'web:v1' }, targetTags: ['web:v1'] },
      'LinkedInvalidPropertyId',
      /Property id 'contosodevimg' at path 'source.resourceId' is invalid/,
    ],
    [
      { source: { resourceId: '', sourceImage: `web:v1@sha256:${'a'.repeat(64)}` }, targetTags: ['web:v1'] },
      'InvalidParameter',
      /Invalid value web:v1@sha256:a+ for property parameters\.Source\.SourceImage for resource name contosoprodimg/,
    ],
    [{ source: { resourceId: '', sourceImage: 'web:v1' } }, 'InvalidParameter', /At least one of 'targetTags' and 'untaggedTargetRepositories'/],
    [{ source: { sourceImage: 'web:v1' }, targetTags: ['web:v1'] }, 'InvalidParameter', /Exactly one of 'source.resourceId' and 'source.registryUri'/],
    [{ source: { resourceId: '', sourceImage: 'web:v1' }, targetTags: ['web:v1'], mode: 'Overwrite' }, 'InvalidParameter', /mode 'Overwrite' is not valid/],
    [{ source: { resourceId: '', sourceImage: 'web:v1' }, targetTags: ['Web:V1'] }, 'InvalidParameter', /target tag 'Web:V1' is not valid/],
  ])('refuses a bad request at once with 400 (%#)', async (body, code, message) => {
    const parameters = structuredClone(body) as ImportImageParameters;
    if (parameters.source.resourceId === '') parameters.source.resourceId = sourceId;
    const refused = await rejection(importToProd(parameters));
    expect(refused).toMatchObject({ statusCode: 400, code });
    expect((refused as Error).message).toMatch(message);
  });
});

describe('importImage: a slow operation survives its worker', () => {
  it('stays 202 while copying; a new client resumes from the saved poller state and the image lands once', async () => {
    const digest = pushToDev('slow', 'v1');
    azure.acr.importOperationMs = 1500;
    const poller = await prod.registries.beginImportImage(
      target.rg,
      target.name,
      { source: { resourceId: sourceId, sourceImage: 'slow:v1' }, targetTags: ['slow:v1'] },
      { updateIntervalInMs: 20 },
    );
    const saved = poller.toString();
    expect(poller.isDone()).toBe(false);
    expect(azure.acr.imports(target.name).at(-1)).toMatchObject({ status: 'InProgress', digest });
    expect(azure.registryData.digestOf(target.name, 'slow', 'v1')).toBeUndefined();
    // The worker dies here: its poller is gone. Another one picks the operation up.
    const another = new ContainerRegistryManagementClient(credential, prodSubscription, { endpoint: azure.url });
    const from = azure.requests.length;
    const resumed = await another.registries.beginImportImage(
      target.rg,
      target.name,
      { source: { resourceId: sourceId, sourceImage: 'slow:v1' }, targetTags: ['slow:v1'] },
      { resumeFrom: saved, updateIntervalInMs: 20 },
    );
    await resumed.pollUntilDone();
    const polls = azure.requests.slice(from).filter((r) => r.kind === 'arm');
    expect(polls.every((r) => r.method === 'GET' && r.path.includes('/operationResults/operationStatuses/'))).toBe(true);
    expect(polls.map((r) => r.status).at(-1)).toBe(200);
    expect(polls.slice(0, -1).every((r) => r.status === 202)).toBe(true);
    expect(azure.registryData.digestOf(target.name, 'slow', 'v1')).toBe(digest);
    expect(azure.acr.imports(target.name).filter((i) => i.sourceImage === 'slow:v1')).toHaveLength(1);
  });

  it('the data plane shows the image once the copy time is over, even if nobody polls', async () => {
    const digest = pushToDev('unpolled', 'v1');
    azure.acr.importOperationMs = 200;
    await prod.registries.beginImportImage(target.rg, target.name, {
      source: { resourceId: sourceId, sourceImage: 'unpolled:v1' },
      targetTags: ['unpolled:v1'],
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await (await data(target.name).getArtifact('unpolled', 'v1').getTagProperties('v1')).digest).toBe(digest);
  });
});

describe('ARM calls per registry', () => {
  it('counts every ARM request that concerned a registry, operation polls included, within a window', async () => {
    const since = new Date();
    pushToDev('counted', 'v1');
    await importToProd({ source: { resourceId: sourceId, sourceImage: 'counted:v1' }, targetTags: ['counted:v1'] });
    await prod.registries.get(target.rg, target.name);
    const calls = azure.acr.armRequests(target.name, { since });
    expect(calls.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    expect(calls[1]!.path).toContain('/operationResults/operationStatuses/');
    // A path match alone misses the polls, whose URL does not name the registry.
    expect(azure.count('*', new RegExp(`/registries/${target.name}`), 'arm')).toBeLessThan(azure.acr.armRequests(target.name).length);
    expect(azure.acr.armRequests(source.name, { since })).toEqual([]);
    expect(azure.acr.armRequests(target.name, { since, until: new Date(since.getTime() - 1) })).toEqual([]);
  });
});
