import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { isRestError } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { AzureClientOptions } from './request-metrics.ts';

export interface AcrClientsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
  /** Pipeline options every client gets (the request metrics policy). */
  clientOptions?: AzureClientOptions;
}

/** One `ContainerRegistryManagementClient` (v11) per subscription, created on first use. */
export class AcrClients {
  readonly #options: AcrClientsOptions;
  readonly #clients = new Map<string, ContainerRegistryManagementClient>();

  constructor(options: AcrClientsOptions) {
    this.#options = options;
  }

  for(subscriptionId: string): ContainerRegistryManagementClient {
    let client = this.#clients.get(subscriptionId);
    if (!client) {
      client = new ContainerRegistryManagementClient(this.#options.credential, subscriptionId, { ...this.#options.clientOptions, endpoint: this.#options.resourceManager });
      this.#clients.set(subscriptionId, client);
    }
    return client;
  }
}

/** ARM's 404: the registry's sub-resource (task, replica, token) is not there. */
export function isNotFound(err: unknown): boolean {
  return isRestError(err) && err.statusCode === 404;
}
