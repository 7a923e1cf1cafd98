import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { AzureCredentialConfig, AzureEndpoints } from '../config/config.ts';
import type { AzureClientOptions } from './request-metrics.ts';

/**
 * A service principal when all three AZURE_* values are set, otherwise DefaultAzureCredential
 * (managed identity in Azure, `az login` on a laptop). The authority host comes from config;
 * hosts MSAL does not know (sovereign/private clouds, emulators) skip instance discovery,
 * which would otherwise go to the public cloud.
 */
export function createAzureCredential(credential: AzureCredentialConfig, endpoints: AzureEndpoints, clientOptions: AzureClientOptions = {}): TokenCredential {
  const common = { ...clientOptions, authorityHost: endpoints.authorityHost, disableInstanceDiscovery: !endpoints.instanceDiscovery };
  if (credential.tenantId && credential.clientId && credential.clientSecret) {
    return new ClientSecretCredential(credential.tenantId, credential.clientId, credential.clientSecret, common);
  }
  return new DefaultAzureCredential({
    ...common,
    ...(credential.clientId && { managedIdentityClientId: credential.clientId }),
    ...(credential.tenantId && { tenantId: credential.tenantId }),
  });
}
