import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { ContainerRegistryClient } from '@azure/container-registry';
import type { TokenCredential } from '@azure/identity';
import type { RegistryResourceRef, RegistryTags } from '../../core/deploy/ports.ts';
import { toAzureOperationError } from '../errors.ts';
import type { AzureClientOptions } from '../request-metrics.ts';

/** The Entra audience ACR's token exchange expects in the public cloud. */
export const publicCloudRegistryAudience = 'https://containerregistry.azure.net';

export interface AzureRegistryTagsOptions {
  credential: TokenCredential;
  /** ARM endpoint; the token scope follows it (`<endpoint>/.default`). */
  resourceManager: string;
  /** Entra audience for ACR's data plane; differs per cloud. Default: public cloud. */
  audience?: string;
  /** Pipeline options for the ARM client (the request metrics policy). */
  clientOptions?: AzureClientOptions;
  /** Pipeline options for the registry's data-plane client. */
  dataClientOptions?: AzureClientOptions;
}

/**
 * Resolves a tag to its digest on the registry's data plane. The login server comes from ARM
 * (not from `<name>.azurecr.io`), because sovereign clouds and custom domains differ; it never
 * changes for a registry, so it is cached.
 */
export class AzureRegistryTags implements RegistryTags {
  readonly #options: AzureRegistryTagsOptions;
  readonly #arm = new Map<string, ContainerRegistryManagementClient>();
  readonly #loginServers = new Map<string, string>();
  readonly #dataClients = new Map<string, ContainerRegistryClient>();

  constructor(options: AzureRegistryTagsOptions) {
    this.#options = options;
  }

  async resolveDigest(registry: RegistryResourceRef, repository: string, tag: string): Promise<{ loginServer: string; digest: string }> {
    const loginServer = await this.#loginServer(registry);
    try {
      const props = await this.#dataClient(loginServer).getArtifact(repository, tag).getTagProperties(tag);
      return { loginServer, digest: props.digest };
    } catch (err) {
      throw toAzureOperationError(err, `resolve ${repository}:${tag} in registry ${registry.name}`);
    }
  }

  async listRepositories(registry: RegistryResourceRef): Promise<string[]> {
    const loginServer = await this.#loginServer(registry);
    try {
      const names: string[] = [];
      for await (const name of this.#dataClient(loginServer).listRepositoryNames()) names.push(name);
      return names.sort();
    } catch (err) {
      throw toAzureOperationError(err, `list the repositories of registry ${registry.name}`);
    }
  }

  async listTags(
    registry: RegistryResourceRef,
    repository: string,
    options: { top: number; orderby: 'time_desc' | 'time_asc' },
  ): Promise<{ name: string; digest: string; createdOn?: string }[]> {
    const loginServer = await this.#loginServer(registry);
    try {
      const tags: { name: string; digest: string; createdOn?: string }[] = [];
      // The SDK lists a repository's tags from any artifact handle: listTagProperties sends no
      // digest filter, so this is every tag of the repository, not only those of `latest`.
      const artifact = this.#dataClient(loginServer).getArtifact(repository, 'latest');
      const pages = artifact.listTagProperties({ order: options.orderby === 'time_asc' ? 'LastUpdatedOnAscending' : 'LastUpdatedOnDescending' });
      for await (const tag of pages) {
        tags.push({ name: tag.name, digest: tag.digest, ...(tag.createdOn && { createdOn: tag.createdOn.toISOString() }) });
        if (tags.length >= options.top) break;
      }
      return tags.slice(0, options.top);
    } catch (err) {
      throw toAzureOperationError(err, `list the tags of ${repository} in registry ${registry.name}`);
    }
  }

  loginServer(registry: RegistryResourceRef): Promise<string> {
    return this.#loginServer(registry);
  }

  async #loginServer(registry: RegistryResourceRef): Promise<string> {
    const key = `${registry.subscriptionId}/${registry.resourceGroup}/${registry.name}`.toLowerCase();
    const cached = this.#loginServers.get(key);
    if (cached) return cached;
    try {
      const found = await this.#armClient(registry.subscriptionId).registries.get(registry.resourceGroup, registry.name);
      if (!found.loginServer) throw new Error('ARM returned the registry without a login server');
      this.#loginServers.set(key, found.loginServer);
      return found.loginServer;
    } catch (err) {
      throw toAzureOperationError(err, `read registry ${registry.name}`);
    }
  }

  #armClient(subscriptionId: string): ContainerRegistryManagementClient {
    let client = this.#arm.get(subscriptionId);
    if (!client) {
      // `endpoint` sets both the base URL and the token scope (`<endpoint>/.default`).
      client = new ContainerRegistryManagementClient(this.#options.credential, subscriptionId, {
        ...this.#options.clientOptions,
        endpoint: this.#options.resourceManager,
      });
      this.#arm.set(subscriptionId, client);
    }
    return client;
  }

  /** One data-plane client per login server, so its ACR refresh token is reused. */
  #dataClient(loginServer: string): ContainerRegistryClient {
    let client = this.#dataClients.get(loginServer);
    if (!client) {
      client = new ContainerRegistryClient(`https://${loginServer}`, this.#options.credential, {
        ...this.#options.dataClientOptions,
        audience: this.#options.audience ?? publicCloudRegistryAudience,
      });
      this.#dataClients.set(loginServer, client);
    }
    return client;
  }
}
