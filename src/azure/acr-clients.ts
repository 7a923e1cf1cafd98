import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { TokenCredential } from '@azure/identity';

export interface AcrClientsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
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
      client = new ContainerRegistryManagementClient(this.#options.credential, subscriptionId, { endpoint: this.#options.resourceManager });
      this.#clients.set(subscriptionId, client);
    }
    return client;
  }
}

export { isNotFound } from './errors.ts';
