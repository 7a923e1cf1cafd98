/**
 * AzureImageImport against the Azure emulator with the real ContainerRegistryManagementClient:
 * the import request body `az acr import --source <registry id> --image repo:tag` sends, followed
 * one poll at a time from a saved token (a new adapter each poll, as a resumed job would), ARM's
 * 403 when the bot may not pull from the source, and the run that pushed a digest with its commit.
 */
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcrClients } from '../../../src/azure/acr-clients.ts';
import { AzureImageImport } from '../../../src/azure/registry/image-import.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import { importRequestFor, registryResourceId } from '../../../src/core/promote/promote-job.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { finishedRun, rejection, startEmulator, subscription as devSubscription } from '../azure-adapters/setup.ts';

const prodSubscription = '00000000-0000-0000-0000-0000000000f2';
const dev = { subscriptionId: devSubscription, resourceGroup: 'rg-dev', name: 'promodev' };
const prod = { subscriptionId: prodSubscription, resourceGroup: 'rg-prod', name: 'promoprod' };

let azure: AzureEmulator;
let credential: ClientSecretCredential;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  azure.acr.addRegistry(dev);
  azure.acr.addRegistry({ ...prod, location: 'westeurope' });
});
afterAll(() => azure?.close());
afterEach(() => {
  azure.acr.importOperationMs = 0;
  azure.acr.allowPull(dev.name);
});

function importer(): AzureImageImport {
  return new AzureImageImport(new AcrClients({ credential, resourceManager: azure.url }));
}

async function followed(token: string): Promise<number> {
  for (let polls = 1; polls <= 100; polls++) {
    if ((await importer().pollImport(token)).done) return polls;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('import never finished');
}

describe('AzureImageImport', () => {
  it('imports by digest across subscriptions with the source registry id, tagged, and follows the operation from its token', async () => {
    const digest = azure.registryData.pushTag(dev.name, 'web', 'v1');
    const request = importRequestFor({ registryId: registryResourceId(dev), repository: 'web', digest, tag: 'v1' });
    const from = azure.requests.length;
    // A copy still running: a resumed poll says so and sends no second POST.
    azure.acr.importOperationMs = 60_000;
    const slow = await importer().beginImport(prod, request);
    expect(await importer().pollImport(slow.resumeToken)).toEqual({ done: false });
    expect(azure.acr.imports(prod.name).at(-1)).toMatchObject({ status: 'InProgress', digest });
    azure.acr.importOperationMs = 100;
    const { resumeToken } = await importer().beginImport(prod, request);
    await followed(resumeToken);
    expect(azure.registryData.digestOf(prod.name, 'web', 'v1')).toBe(digest);
    const posts = azure.requests.slice(from).filter((r) => r.kind === 'arm' && r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[0]!.path).toBe(
      `/subscriptions/${prodSubscription}/resourceGroups/rg-prod/providers/Microsoft.ContainerRegistry/registries/promoprod/importImage`,
    );
    expect(posts[0]!.body).toEqual({
      source: {
        resourceId: `/subscriptions/${devSubscription}/resourceGroups/rg-dev/providers/Microsoft.ContainerRegistry/registries/promodev`,
        sourceImage: `web@${digest}`,
      },
      targetTags: ['web:v1'],
      mode: 'Force',
    });
  });

  it('a repeat of the same import is one image; an import without a tag lands the manifest untagged', async () => {
    const digest = azure.registryData.pushTag(dev.name, 'api', 'v3');
    const request = importRequestFor({ registryId: registryResourceId(dev), repository: 'api', digest, tag: 'v3' });
    await followed((await importer().beginImport(prod, request)).resumeToken);
    await followed((await importer().beginImport(prod, request)).resumeToken);
    expect(azure.registryData.digestOf(prod.name, 'api', 'v3')).toBe(digest);
    expect(
      azure.acr
        .imports(prod.name)
        .filter((i) => i.sourceImage === `api@${digest}`)
        .map((i) => i.status),
    ).toEqual(['Succeeded', 'Succeeded']);

    const untagged = importRequestFor({ registryId: registryResourceId(dev), repository: 'api', digest });
    expect(untagged).toEqual({
      source: { resourceId: registryResourceId(dev), sourceImage: `api@${digest}` },
      untaggedTargetRepositories: ['api'],
      mode: 'Force',
    });
    await followed((await importer().beginImport(prod, untagged)).resumeToken);
    expect(azure.acr.imports(prod.name).at(-1)).toMatchObject({ status: 'Succeeded', untaggedTargetRepositories: ['api'], targetTags: [] });
  });

  it('a 403 LinkedAuthorizationFailed says the bot needs AcrPull on the source registry', async () => {
    const digest = azure.registryData.pushTag(dev.name, 'web', 'v9');
    azure.acr.denyPull(dev.name);
    const err = await rejection(importer().beginImport(prod, importRequestFor({ registryId: registryResourceId(dev), repository: 'web', digest, tag: 'v9' })));
    expect(err).toBeInstanceOf(AzureOperationError);
    expect(err).toMatchObject({ statusCode: 403, azureCode: 'LinkedAuthorizationFailed', transient: false });
    expect((err as AzureOperationError).message).toContain('may not pull images from the source registry');
    expect((err as AzureOperationError).hint).toContain(`--role AcrPull --scope ${registryResourceId(dev)}`);
  });

  it('a copy that fails surfaces through the poll as a final error', async () => {
    const digest = azure.registryData.pushTag(dev.name, 'web', 'v10');
    azure.acr.failNextImport();
    azure.acr.importOperationMs = 100;
    const { resumeToken } = await importer().beginImport(
      prod,
      importRequestFor({ registryId: registryResourceId(dev), repository: 'web', digest, tag: 'v10' }),
    );
    const err = await rejection(followed(resumeToken));
    expect(err).toBeInstanceOf(AzureOperationError);
    expect((err as AzureOperationError).message).toContain('Error copying blobs');
    expect((err as AzureOperationError).transient).toBe(false);
  });

  it('finds the run that pushed a digest and the commit ACR reports for it; a digest no run pushed has none', async () => {
    azure.acr.timing.queuedMs = 0;
    azure.acr.timing.buildDurationMs = 50;
    const client = new ContainerRegistryManagementClient(credential, devSubscription, { endpoint: azure.url });
    const repositoryUrl = 'https://github.com/contoso/web';
    await client.tasks.beginCreateAndWait(
      dev.resourceGroup,
      dev.name,
      'buildweb',
      {
        location: 'eastus',
        platform: { os: 'Linux', architecture: 'amd64' },
        step: { type: 'Docker', contextPath: `${repositoryUrl}.git#main`, dockerFilePath: 'Dockerfile', imageNames: ['shop:{{.Run.ID}}'], isPushEnabled: true },
        trigger: {
          sourceTriggers: [
            {
              name: 'commits',
              sourceRepository: {
                sourceControlType: 'Github',
                repositoryUrl,
                branch: 'main',
                sourceControlAuthProperties: { tokenType: 'PAT', token: 'ghp_promoteTestToken0001' },
              },
              sourceTriggerEvents: ['commit'],
              status: 'Enabled',
            },
          ],
        },
      },
      { updateIntervalInMs: 20 },
    );
    const runId = azure.acr.triggerCommit(dev.name, 'buildweb', { commitId: '3f2c9ab' });
    const run = await finishedRun(client, dev.resourceGroup, dev.name, runId);
    const digest = run.outputImages![0]!.digest!;
    expect(await importer().findBuild(dev, 'shop', digest)).toEqual({ runId, commit: '3f2c9ab' });
    expect(await importer().findBuild(dev, 'shop', `sha256:${'0'.repeat(64)}`)).toBeUndefined();
    const list = azure.requests.filter((r) => r.kind === 'arm' && r.method === 'GET' && r.path.endsWith('/runs')).at(-1);
    expect(list?.query.$filter).toBe(`contains(OutputImageManifests, 'shop@sha256:${'0'.repeat(64)}')`);
  });
});
