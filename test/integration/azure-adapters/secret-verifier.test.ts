/** EntraSecretVerifier with the real ClientSecretCredential against the emulator's Entra ID. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureEndpoints } from '../../../src/config/config.ts';
import { EntraSecretVerifier } from '../../../src/azure/secret-verifier.ts';
import { AzureOperationError } from '../../../src/core/azure-errors.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';
import { rejection, startEmulator, tenant } from './setup.ts';

let azure: AzureEmulator;
let verifier: EntraSecretVerifier;

beforeAll(async () => {
  ({ azure } = await startEmulator());
  const endpoints: AzureEndpoints = {
    cloud: 'AzurePublicCloud',
    authorityHost: azure.url,
    instanceDiscovery: false,
    resourceManager: azure.url,
    graph: azure.url,
    portal: 'https://portal.azure.com',
    containerRegistryAudience: 'https://containerregistry.azure.net',
  };
  verifier = new EntraSecretVerifier(tenant, endpoints);
});
afterAll(() => azure?.close());

const tokenCalls = (appId: string) =>
  azure.requests.filter((r) => r.path === `/${tenant}/oauth2/v2.0/token` && (r.body as { client_id?: string })?.client_id === appId);

describe('EntraSecretVerifier', () => {
  it('says "not yet" while Entra answers AADSTS7000215 (a new secret propagating), "ok" once it signs in', async () => {
    const appId = '10000000-0000-4000-8000-000000000215';
    azure.identity.addClient(tenant, appId, 'propagating', { usableFrom: Date.now() + 60_000 });
    expect(await verifier.verify(appId, 'propagating')).toBe('not-yet');
    azure.identity.addClient(tenant, appId, 'propagated');
    expect(await verifier.verify(appId, 'propagated')).toBe('ok');
  });

  it('fails fast, with a definite error, when Entra says the secret has expired (AADSTS7000222)', async () => {
    const appId = '10000000-0000-4000-8000-000007000222';
    azure.identity.addClient(tenant, appId, 'expired', { expiresAt: Date.now() - 1000 });
    const error = await rejection(verifier.verify(appId, 'expired'));
    expect(error).toBeInstanceOf(AzureOperationError);
    expect(error).toMatchObject({ transient: false, azureCode: 'AADSTS7000222' });
    expect((error as Error).message).toContain('expired');
    expect(tokenCalls(appId)).toHaveLength(1);
  });

  it('fails fast when Entra does not know the app in the tenant (AADSTS700016)', async () => {
    const app = azure.graph.addApplication({
      displayName: 'deleted-sp',
      tenantId: tenant,
      passwordCredentials: [{ endDateTime: new Date(Date.now() + 86_400_000), secret: 'fine' }],
    });
    azure.graph.removeServicePrincipal(app.appId);
    const error = await rejection(verifier.verify(app.appId, 'fine'));
    expect(error).toMatchObject({ transient: false, azureCode: 'AADSTS700016' });
    expect((error as AzureOperationError).message).toContain(tenant);
    expect((error as AzureOperationError).hint).toMatch(/service principal|tenant/);
  });

  it('treats Entra’s transient answer as retryable, not as a verdict on the secret', async () => {
    const appId = '10000000-0000-4000-8000-000000090033';
    azure.identity.addClient(tenant, appId, 'fine');
    azure.failNext({ path: new RegExp(`^/${tenant}/oauth2/v2\\.0/token$`), status: 503 });
    const error = await rejection(verifier.verify(appId, 'fine'));
    expect(error).toMatchObject({ transient: true });
    expect(await verifier.verify(appId, 'fine')).toBe('ok');
  });
});
