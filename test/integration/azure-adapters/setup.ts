/** Shared emulator setup for the adapter tests: one Entra client, a real ClientSecretCredential. */
import type { ContainerRegistryManagementClient, Run } from '@azure/arm-containerregistry';
import { ClientSecretCredential } from '@azure/identity';
import { startAzureEmulator } from '../../emulators/azure/index.ts';
import type { AzureEmulator } from '../../emulators/azure/index.ts';

export const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const clientId = 'a1b2c3d4-0000-4000-8000-0000000ada97';
const clientSecret = 'adapter-test-secret';
export const subscription = '00000000-0000-0000-0000-000000000003';

export async function startEmulator(): Promise<{ azure: AzureEmulator; credential: ClientSecretCredential }> {
  const azure = await startAzureEmulator();
  azure.identity.addClient(tenant, clientId, clientSecret);
  const credential = new ClientSecretCredential(tenant, clientId, clientSecret, { authorityHost: azure.url, disableInstanceDiscovery: true });
  return { azure, credential };
}

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** Polls `runs.get` until the run is over (Succeeded, Failed, Canceled, Error or Timeout). */
export async function finishedRun(
  client: ContainerRegistryManagementClient,
  resourceGroup: string,
  registry: string,
  runId: string,
  timeoutMs = 10_000,
): Promise<Run> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.runs.get(resourceGroup, registry, runId);
    if (['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'].includes(run.status!)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
