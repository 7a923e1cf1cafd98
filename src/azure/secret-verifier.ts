import { ClientSecretCredential } from '@azure/identity';
import type { AzureEndpoints } from '../config/config.ts';
import { AzureOperationError } from '../core/azure-errors.ts';
import type { SecretVerifier } from '../core/credentials/ports.ts';
import type { AzureClientOptions } from './request-metrics.ts';

/** Entra ID's answer, as MSAL words it: `invalid_client: Error(s): 7000215 - … Description: AADSTS7000215: …`. */
interface EntraAnswer {
  error: string;
  code: number;
}

// Error codes: learn.microsoft.com/entra/identity-platform/reference-error-codes.
const NOT_PROPAGATED_YET = 7000215;
const SECRET_EXPIRED = 7000222;
const APP_NOT_IN_TENANT = 700016;
/** OAuth error values that say "ask again later" rather than anything about the secret (RFC 6749 §5.2, §4.1.2.1). */
const TRY_AGAIN = new Set(['temporarily_unavailable', 'server_error']);

function entraAnswer(err: unknown): EntraAnswer | undefined {
  const message = (err as Error | undefined)?.message ?? '';
  const code = /\bAADSTS(\d+)\b/.exec(message)?.[1] ?? /Error\(s\): (\d+)/.exec(message)?.[1];
  if (code === undefined) return undefined;
  return { error: /^([a-z_]+):/.exec(message)?.[1] ?? '', code: Number(code) };
}

/**
 * Proves a new client secret works by getting a token with it, exactly as its consumers will.
 * Only AADSTS7000215 ("invalid client secret") means "not yet": Entra ID answers it until a new
 * secret has reached every replica. Any other answer from Entra ID is a verdict that waiting
 * cannot change (an expired secret, an app the tenant does not know, …) and ends the wait at
 * once; only Entra ID being unreachable or busy is worth another try.
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
      const answer = entraAnswer(err);
      if (answer?.code === NOT_PROPAGATED_YET) return 'not-yet';
      if (!answer || TRY_AGAIN.has(answer.error)) {
        throw new AzureOperationError(`Could not get an answer from Entra ID about the new secret of ${appId}.`, {
          transient: true,
          hint: `This is retried automatically; if it persists, check that tenant ${this.#tenantId} (credentials.tenantId or AZURE_TENANT_ID) and AZURE_AUTHORITY_HOST are right and reachable.`,
          ...(answer && { azureCode: `AADSTS${answer.code}` }),
          cause: err,
        });
      }
      throw this.#verdict(appId, answer, err);
    }
  }

  #verdict(appId: string, answer: EntraAnswer, cause: unknown): AzureOperationError {
    const azureCode = `AADSTS${answer.code}`;
    const lookUp = `${this.#endpoints.authorityHost.replace(/\/+$/, '')}/error?code=${answer.code}`;
    const [text, hint] =
      answer.code === SECRET_EXPIRED
        ? [
            `Entra ID says the new secret of ${appId} has already expired (${azureCode}).`,
            'A credential lifetime policy of the tenant may cut new secrets short; check the app’s Certificates & secrets in Entra ID, then rotate again.',
          ]
        : answer.code === APP_NOT_IN_TENANT
          ? [
              `Entra ID has no application ${appId} in tenant ${this.#tenantId} (${azureCode}), so no secret of it can sign in there.`,
              'The app needs a service principal (enterprise application) in that tenant, and credentials.tenantId (or AZURE_TENANT_ID) must be the app’s tenant; fix that, then rotate again.',
            ]
          : [
              `Entra ID refused to sign in as ${appId} with the new secret (${azureCode}${answer.error ? `, ${answer.error}` : ''}).`,
              `See ${lookUp} for what it means, fix it, then rotate again.`,
            ];
    return new AzureOperationError(text, { transient: false, azureCode, hint, cause });
  }
}
