import { AuthenticationError, ClientSecretCredential } from '@azure/identity';
import type { AzureEndpoints } from '../config/config.ts';
import type { SecretVerifier } from '../core/credentials/ports.ts';
import { toAzureOperationError } from './errors.ts';
import type { AzureClientOptions } from './request-metrics.ts';

/**
 * Proves a new client secret works by getting a token with it, exactly as its consumers will.
 * Entra ID answers AADSTS7000215 ("invalid client secret") until the secret has propagated;
 * that is "not yet", anything else is a real failure.
 */
export class EntraSecretVerifier implements SecretVerifier {
  readonly #tenantId: string;
  readonly #endpoints: AzureEndpoints;
  readonly #clientOptions: AzureClientOptions;

  constructor(tenantId: string, endpoints: AzureEndpoints, clientOptions: AzureClientOptions = {}) {
    this.#tenantId = tenantId;
    this.#endpoints = endpoints;
    this.#clientOptions = clientOptions;
  }

  async verify(appId: string, secret: string): Promise<'ok' | 'not-yet'> {
    const credential = new ClientSecretCredential(this.#tenantId, appId, secret, {
      ...this.#clientOptions,
      authorityHost: this.#endpoints.authorityHost,
      disableInstanceDiscovery: !this.#endpoints.instanceDiscovery,
      // One attempt per look: the job waits between looks with durable delays.
      retryOptions: { maxRetries: 0 },
    });
    try {
      await credential.getToken(`${this.#endpoints.resourceManager.replace(/\/+$/, '')}/.default`);
      return 'ok';
    } catch (err) {
      const text = `${(err as Error).message ?? ''} ${JSON.stringify((err as AuthenticationError).errorResponse ?? {})}`;
      if (/AADSTS7000215|AADSTS7000222|invalid_client|AADSTS700016/.test(text)) return 'not-yet';
      throw toAzureOperationError(err, `sign in as ${appId} with the new secret`);
    }
  }
}
