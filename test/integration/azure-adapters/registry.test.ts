/** AzureRegistryTags: login server from ARM, digest from the data plane. */
import type { ClientSecretCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureRegistryTags } from '../../../src/azure/registry/registry-tags.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, subscription } from './setup.ts';

const rg = 'rg-registry';
const name = 'contosoprod';

let azure: AzureEmulator;
let credential: ClientSecretCredential;
let loginServer: string;

beforeAll(async () => {
  ({ azure, credential } = await startEmulator());
  // ARM reports the emulator's data-plane address as the login server, so the adapter's
  // `https://` + loginServer lands on the emulator without any test-only override.
  loginServer = azure.registryData.endpoint(name).replace(/^https:\/\//, '');
  expect(loginServer).toMatch(/^localhost:\d+\/registries\/contosoprod$/);
  azure.acr.addRegistry({ subscriptionId: subscription, resourceGroup: rg, name, loginServer });
});
afterAll(() => azure?.close());

describe('AzureRegistryTags', () => {
  it('resolves the digest via ARM loginServer, caches it, and follows a moved tag', async () => {
    const tags = new AzureRegistryTags({ credential, resourceManager: azure.url });
    const registry = { subscriptionId: subscription, resourceGroup: rg, name };
    const approved = azure.registryData.pushTag(name, 'app/web', 'v3');
    expect(await tags.resolveDigest(registry, 'app/web', 'v3')).toEqual({ loginServer, digest: approved });

    const moved = azure.registryData.moveTag(name, 'app/web', 'v3');
    expect(moved).not.toBe(approved);
    expect(await tags.resolveDigest(registry, 'app/web', 'v3')).toEqual({ loginServer, digest: moved });

    const armGets = azure.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/providers/Microsoft.ContainerRegistry/registries/${name}`));
    expect(armGets).toHaveLength(1);
    expect(azure.identity.issued().map((t) => t.scope)).toContain('https://containerregistry.azure.net/.default');
  });

  it('translates an unknown tag and an unknown registry into AzureOperationError', async () => {
    const tags = new AzureRegistryTags({ credential, resourceManager: azure.url });
    azure.registryData.pushTag(name, 'api', 'v1');
    const noTag = await rejection(tags.resolveDigest({ subscriptionId: subscription, resourceGroup: rg, name }, 'api', 'v9'));
    expect(noTag).toBeInstanceOf(AzureOperationError);
    expect(noTag).toMatchObject({ statusCode: 404 });
    const noRegistry = await rejection(tags.resolveDigest({ subscriptionId: subscription, resourceGroup: rg, name: 'nosuchregistry' }, 'api', 'v1'));
    expect(noRegistry).toBeInstanceOf(AzureOperationError);
    expect(noRegistry).toMatchObject({ statusCode: 404 });
  });
});
