/**
 * Azure emulator for tests: an HTTPS server that the product's real SDK clients talk to —
 * `ClientSecretCredential` (MSAL) for Entra ID, `ContainerRegistryManagementClient` (v11) for ACR
 * runs, and plain `fetch` for the run log blobs. TLS is real: trust the test CA with
 * `NODE_EXTRA_CA_CERTS` (see `scripts/make-test-ca.ts`); never switch certificate checks off.
 *
 * @example
 * const azure = await startAzureEmulator({ queuedMs: 200, buildDurationMs: 1000 });
 * azure.identity.addClient(tenantId, clientId, 'secret');
 * azure.acr.addRegistry({ subscriptionId, resourceGroup: 'rg-dev', name: 'contosodev' });
 * const credential = new ClientSecretCredential(tenantId, clientId, 'secret', { authorityHost: azure.url, disableInstanceDiscovery: true });
 * const client = new ContainerRegistryManagementClient(credential, subscriptionId, { endpoint: azure.url });
 * const run = await client.registries.beginScheduleRunAndWait('rg-dev', 'contosodev', dockerBuildRequest); // Queued, runId 'ca1'
 * azure.count('POST', /\/scheduleRun$/); // 1
 * await azure.close();
 */
export { AzureEmulator, startAzureEmulator } from './server.ts';
export type { AzureEmulatorOptions } from './server.ts';
export { AcrEmulator } from './acr/index.ts';
export type {
  AcrTiming,
  BaseImageUpdate,
  CommitEvent,
  ImportFailure,
  ImportSnapshot,
  RegistryInfo,
  RegistryOptions,
  RunJson,
  RunOutcome,
  RunScenario,
  RunStatus,
} from './acr/index.ts';
export { EntraIdentity } from './identity.ts';
export type { ClientCheck, ClientSecretOptions, IssuedToken } from './identity.ts';
export type { FailNextOptions } from './faults.ts';
export type { RecordedRequest, Reply, ServiceFamily } from './http.ts';
export type { Route, RouteContext } from './router.ts';
export type { FamilyPolicy } from './family.ts';
export { ensureTestCa } from './ca.ts';
export type { TestCaPaths } from './ca.ts';
export { decodeJwt } from './jwt.ts';
export { AciEmulator } from './aci/index.ts';
export { KeyVaultEmulator } from './keyvault/index.ts';
export { RegistryDataEmulator } from './registry-data/index.ts';
export { DEFAULT_GRAPH_TENANT, GraphEmulator } from './graph/index.ts';
export type { ApplicationInfo, ApplicationOptions, PasswordCredentialInfo, PasswordCredentialSeed } from './graph/index.ts';
