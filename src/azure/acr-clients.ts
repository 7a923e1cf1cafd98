import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import type { TokenCredential } from '@azure/identity';
import type { AzureClientOptions } from './request-metrics.ts';

export interface AcrClientsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
  /** Pipeline options every client gets (the request metrics policy). */
  clientOptions?: AzureClientOptions;
}

/**
 * `ContainerRegistryManagementClient`s (v11), one per subscription, created on first use: one
 * with the SDK's automatic retries for everything idempotent, one without for the calls that are not.
 */
export class AcrClients {
  readonly #options: AcrClientsOptions;
  readonly #clients = new Map<string, ContainerRegistryManagementClient>();
  readonly #onceClients = new Map<string, ContainerRegistryManagementClient>();

  constructor(options: AcrClientsOptions) {
    this.#options = options;
  }

  for(subscriptionId: string): ContainerRegistryManagementClient {
    return this.#client(this.#clients, subscriptionId, {});
  }

  /**
   * For calls that are not idempotent (`scheduleRun`, `generateCredentials`): every request is
   * sent once. The pipeline's retry policy would resend a POST after a 5xx, a 429 or a dropped
   * connection, when only the answer may have been lost: a second build, a second password.
   * The job that made the call decides what to do (core-rest-pipeline `retryOptions`).
   */
  once(subscriptionId: string): ContainerRegistryManagementClient {
    return this.#client(this.#onceClients, subscriptionId, { retryOptions: { maxRetries: 0 } });
  }

  #client(
    cache: Map<string, ContainerRegistryManagementClient>,
    subscriptionId: string,
    extra: { retryOptions?: { maxRetries: number } },
  ): ContainerRegistryManagementClient {
    let client = cache.get(subscriptionId);
    if (!client) {
      // `endpoint` sets both the base URL and the token scope (`<endpoint>/.default`).
      client = new ContainerRegistryManagementClient(this.#options.credential, subscriptionId, {
        ...this.#options.clientOptions,
        endpoint: this.#options.resourceManager,
        ...extra,
      });
      cache.set(subscriptionId, client);
    }
    return client;
  }
}

export { isNotFound } from './errors.ts';
