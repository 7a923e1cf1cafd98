import { isRestError } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { SecretVault } from '../../core/credentials/ports.ts';
import type { SecretReader } from '../../core/deploy/ports.ts';
import { SecretNotFoundError } from '../../core/deploy/secret-not-found.ts';
import { toAzureOperationError } from '../errors.ts';
import type { AzureClientOptions } from '../request-metrics.ts';
import { isKnownVaultHost } from './vault-domains.ts';

export interface KeyVaultSecretReaderOptions {
  credential: TokenCredential;
  /** Pipeline options every client gets (the request metrics policy). */
  clientOptions?: AzureClientOptions;
}

/**
 * Reads secrets with `@azure/keyvault-secrets` 4.x. Key Vault authenticates by challenge (the
 * first request is answered 401 with the tenant and resource), so one `SecretClient` per vault
 * keeps what it learned from that challenge.
 */
export class KeyVaultSecretReader implements SecretReader, SecretVault {
  readonly #credential: TokenCredential;
  readonly #clientOptions: AzureClientOptions;
  readonly #clients = new Map<string, SecretClient>();

  constructor(options: KeyVaultSecretReaderOptions) {
    this.#credential = options.credential;
    this.#clientOptions = options.clientOptions ?? {};
  }

  #client(vaultUrl: string): SecretClient {
    let client = this.#clients.get(vaultUrl);
    if (!client) {
      client = new SecretClient(vaultUrl, this.#credential, { ...this.#clientOptions, disableChallengeResourceVerification: !isKnownVaultHost(vaultUrl) });
      this.#clients.set(vaultUrl, client);
    }
    return client;
  }

  async getSecret(vaultUrl: string, name: string): Promise<string> {
    try {
      const secret = await this.#client(vaultUrl).getSecret(name);
      if (secret.value === undefined) throw new Error(`Key Vault returned secret '${name}' without a value`);
      return secret.value;
    } catch (err) {
      if (isRestError(err) && err.statusCode === 404 && secretNotFound(err.details, err.code)) throw new SecretNotFoundError(vaultUrl, name);
      throw toAzureOperationError(err, `read secret ${name} from Key Vault ${vaultUrl}`);
    }
  }

  async setSecret(
    vaultUrl: string,
    name: string,
    value: string,
    options: { expiresOn?: Date; contentType?: string; tags?: Record<string, string> },
  ): Promise<string> {
    try {
      const stored = await this.#client(vaultUrl).setSecret(name, value, options);
      return stored.properties.version ?? '';
    } catch (err) {
      throw toAzureOperationError(err, `store secret ${name} in Key Vault ${vaultUrl}`);
    }
  }

  async current(vaultUrl: string, name: string): Promise<{ value: string; version: string; tags: Record<string, string> } | undefined> {
    try {
      const secret = await this.#client(vaultUrl).getSecret(name);
      return { value: secret.value ?? '', version: secret.properties.version ?? '', tags: secret.properties.tags ?? {} };
    } catch (err) {
      if (isRestError(err) && err.statusCode === 404 && secretNotFound(err.details, err.code)) return undefined;
      throw toAzureOperationError(err, `read secret ${name} from Key Vault ${vaultUrl}`);
    }
  }

  async version(vaultUrl: string, name: string, version: string): Promise<string> {
    try {
      return (await this.#client(vaultUrl).getSecret(name, { version })).value ?? '';
    } catch (err) {
      throw toAzureOperationError(err, `read version ${version} of secret ${name} from Key Vault ${vaultUrl}`);
    }
  }
}

/** 404 with `SecretNotFound`; a 404 for another reason (e.g. a wrong URL path) is not this. */
function secretNotFound(details: unknown, code: string | undefined): boolean {
  const azureCode = (details as { error?: { code?: string } } | undefined)?.error?.code ?? code;
  return azureCode === 'SecretNotFound';
}
