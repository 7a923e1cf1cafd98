import { Client, GraphError, MiddlewareFactory, RetryHandlerOptions, type Middleware } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { TokenCredential } from '@azure/identity';
import { AzureOperationError } from '../../core/azure-errors.ts';
import type { AppRegistration, Applications } from '../../core/credentials/ports.ts';

export interface GraphApplicationsOptions {
  credential: TokenCredential;
  /** Graph endpoint per cloud (`https://graph.microsoft.com`); the token scope follows it. */
  endpoint: string;
  /** Runs on every attempt, just before the HTTP handler (the request metrics). */
  observer?: Middleware;
}

interface GraphApp {
  id: string;
  appId: string;
  displayName?: string | null;
  passwordCredentials?: { keyId: string; displayName?: string | null; endDateTime?: string | null; startDateTime?: string | null }[];
}

const SELECT = 'id,appId,displayName,passwordCredentials';
/**
 * For calls that change secrets: the client's RetryHandler would resend a POST after a 429,
 * 503 or 504, and a 503 can come after Graph created the secret, so one call could add two
 * (one that nobody knows). These go out once; the rotation job's resume logic decides.
 */
const ONCE = () => [new RetryHandlerOptions(0, 0)];
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/**
 * App registrations through `@microsoft/microsoft-graph-client` 3.x, whose RetryHandler honours
 * Graph's 429 `Retry-After` for reads. Secrets are read from the application object (not the service
 * principal): that is where `ClientSecretCredential` secrets live.
 */
export class GraphApplications implements Applications {
  readonly #client: Client;

  constructor(options: GraphApplicationsOptions) {
    const endpoint = options.endpoint.replace(/\/+$/, '');
    // The default chain (auth, retry honouring Retry-After, redirects, telemetry, HTTP), with the observer before HTTP.
    const middleware = MiddlewareFactory.getDefaultMiddlewareChain(
      new TokenCredentialAuthenticationProvider(options.credential, { scopes: [`${endpoint}/.default`] }),
    );
    if (options.observer) middleware.splice(middleware.length - 1, 0, options.observer);
    this.#client = Client.initWithMiddleware({
      middleware,
      baseUrl: `${endpoint}/`,
      // The client only sends tokens to hosts it knows are Graph; a private cloud or emulator is
      // declared here, by host name without the port (that is how the client compares them).
      customHosts: new Set([new URL(endpoint).hostname]),
    });
  }

  async list(appIds?: readonly string[]): Promise<AppRegistration[]> {
    if (appIds !== undefined) {
      const found = await Promise.all(appIds.map((id) => this.#byAppId(id)));
      return found.filter((a): a is AppRegistration => a !== undefined);
    }
    const apps: AppRegistration[] = [];
    let page = (await this.#call('list applications', () => this.#client.api('/applications').select(SELECT).top(999).get())) as {
      value: GraphApp[];
      '@odata.nextLink'?: string;
    };
    for (;;) {
      apps.push(...page.value.map(toApp));
      const next = page['@odata.nextLink'];
      if (!next) return apps;
      page = (await this.#call('list applications', () => this.#client.api(next).get())) as typeof page;
    }
  }

  async find(appIdOrName: string): Promise<AppRegistration | undefined> {
    if (GUID.test(appIdOrName)) return this.#byAppId(appIdOrName);
    const all = await this.list();
    const matches = all.filter((a) => a.displayName === appIdOrName);
    if (matches.length > 1) {
      throw new AzureOperationError(`${matches.length} app registrations are called “${appIdOrName}”.`, {
        transient: false,
        hint: `Give the app id instead: ${matches.map((a) => a.appId).join(', ')}.`,
      });
    }
    return matches[0];
  }

  async addPassword(app: AppRegistration, displayName: string): Promise<{ keyId: string; secretText: string; endDateTime: string }> {
    const created = (await this.#call(`add a secret to ${app.displayName}`, () =>
      this.#client.api(`/applications/${app.id}/addPassword`).middlewareOptions(ONCE()).post({ passwordCredential: { displayName } }),
    )) as { keyId: string; secretText: string; endDateTime: string };
    return { keyId: created.keyId, secretText: created.secretText, endDateTime: created.endDateTime };
  }

  async removePassword(app: AppRegistration, keyId: string): Promise<void> {
    try {
      await this.#call(`remove secret ${keyId} of ${app.displayName}`, () =>
        this.#client.api(`/applications/${app.id}/removePassword`).middlewareOptions(ONCE()).post({ keyId }),
      );
    } catch (err) {
      // Already gone (a step repeated after a crash): the end state is what we wanted.
      const current = await this.#byAppId(app.appId);
      if (current && !current.passwords.some((p) => p.keyId === keyId)) return;
      throw err;
    }
  }

  async #byAppId(appId: string): Promise<AppRegistration | undefined> {
    try {
      const app = (await this.#call(`read app ${appId}`, () => this.#client.api(`/applications(appId='${appId}')`).select(SELECT).get())) as GraphApp;
      return toApp(app);
    } catch (err) {
      if (err instanceof AzureOperationError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async #call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toGraphError(err, doing);
    }
  }
}

function toApp(app: GraphApp): AppRegistration {
  return {
    id: app.id,
    appId: app.appId.toLowerCase(),
    displayName: app.displayName ?? app.appId,
    passwords: (app.passwordCredentials ?? [])
      .filter((p) => p.endDateTime)
      .map((p) => ({
        keyId: p.keyId,
        endDateTime: p.endDateTime!,
        ...(p.displayName && { displayName: p.displayName }),
        ...(p.startDateTime && { startDateTime: p.startDateTime }),
      })),
  };
}

const transient = new Set([408, 429, 500, 502, 503, 504]);

function toGraphError(err: unknown, doing: string): AzureOperationError {
  if (err instanceof AzureOperationError) return err;
  if (err instanceof GraphError) {
    const status = err.statusCode > 0 ? err.statusCode : undefined;
    const hint =
      status === 403 || status === 401
        ? 'The bot’s identity needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy (and to own these apps) or Application.ReadWrite.All; ask the platform admin.'
        : status !== undefined && transient.has(status)
          ? 'Microsoft Graph is busy; the bot retries by itself.'
          : 'Fix what Graph names above and try again.';
    const retryAfter = Number(err.headers?.get('retry-after'));
    return new AzureOperationError(`Microsoft Graph refused to ${doing}: ${err.message}`, {
      ...(status !== undefined && { statusCode: status }),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
      ...(err.code && { azureCode: err.code }),
      transient: status === undefined || transient.has(status),
      hint,
      cause: err,
    });
  }
  return new AzureOperationError(`Could not ${doing}: ${(err as Error)?.message ?? String(err)}`, {
    transient: true,
    hint: 'This is retried automatically; if it persists, the platform admin should check the bot’s network access to Microsoft Graph.',
    cause: err,
  });
}
