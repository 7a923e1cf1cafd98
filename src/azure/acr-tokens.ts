import type { Token } from '@azure/arm-containerregistry';
import type { RegistryToken, RegistryTokens, TokenPasswordSlot } from '../core/credentials/ports.ts';
import type { RegistryResourceRef } from '../core/deploy/ports.ts';
import type { AcrClients } from './acr-clients.ts';
import { toAzureOperationError } from './errors.ts';

/**
 * Repository-scoped tokens through `@azure/arm-containerregistry` (tokens, generateCredentials),
 * and a sign-in check against the registry's own token endpoint, which is what `docker login`
 * with a token does.
 */
export class AzureRegistryTokens implements RegistryTokens {
  readonly #clients: AcrClients;
  readonly #fetch: typeof fetch | undefined;
  readonly #loginServers = new Map<string, string>();

  constructor(clients: AcrClients, options: { fetch?: typeof fetch } = {}) {
    this.#clients = clients;
    this.#fetch = options.fetch;
  }

  #client(subscriptionId: string) {
    return this.#clients.for(subscriptionId);
  }

  async list(registry: RegistryResourceRef): Promise<RegistryToken[]> {
    try {
      const tokens: RegistryToken[] = [];
      for await (const t of this.#client(registry.subscriptionId).tokens.list(registry.resourceGroup, registry.name)) tokens.push(toToken(t));
      return tokens;
    } catch (err) {
      throw toAzureOperationError(err, `list the tokens of registry ${registry.name}`);
    }
  }

  async generate(
    registry: RegistryResourceRef,
    token: RegistryToken,
    slot: 'password1' | 'password2',
    expiry?: Date,
  ): Promise<{ value: string; expiry?: string }> {
    try {
      // Sent once (no SDK retries): the rotation job decides what a lost answer means.
      const result = await this.#clients.once(registry.subscriptionId).registries.beginGenerateCredentialsAndWait(registry.resourceGroup, registry.name, {
        tokenId: token.id,
        name: slot,
        ...(expiry && { expiry }),
      });
      const password = result.passwords?.find((p) => p.name === slot && p.value);
      if (!password?.value) throw new Error(`Azure returned no value for ${slot}`);
      return { value: password.value, ...(password.expiry && { expiry: password.expiry.toISOString() }) };
    } catch (err) {
      throw toAzureOperationError(err, `generate ${slot} of token ${token.name} in registry ${registry.name}`);
    }
  }

  async keepOnly(registry: RegistryResourceRef, token: RegistryToken, keep: 'password1' | 'password2'): Promise<void> {
    // What `az acr token credential delete` sends (azure-cli, acr/token.py): the names of the
    // slots to keep, nothing else; expiry and creation time are the service's to keep.
    const kept = token.passwords.filter((p) => p.name === keep).map((p) => ({ name: p.name }));
    try {
      await this.#client(registry.subscriptionId).tokens.beginUpdateAndWait(registry.resourceGroup, registry.name, token.name, {
        credentials: { passwords: kept },
      });
    } catch (err) {
      throw toAzureOperationError(err, `remove the other password of token ${token.name} in registry ${registry.name}`);
    }
  }

  async verify(registry: RegistryResourceRef, tokenName: string, password: string): Promise<'ok' | 'not-yet'> {
    const loginServer = await this.#loginServer(registry);
    const host = loginServer.split('/')[0]!;
    const url = `https://${loginServer}/oauth2/token?service=${encodeURIComponent(host)}&scope=${encodeURIComponent('registry:catalog:*')}`;
    const res = await (this.#fetch ?? fetch)(url, { headers: { authorization: `Basic ${Buffer.from(`${tokenName}:${password}`).toString('base64')}` } });
    if (res.ok) return 'ok';
    if (res.status === 401) return 'not-yet';
    throw toAzureOperationError(new Error(`the registry answered HTTP ${res.status}`), `sign in to ${host} as token ${tokenName}`);
  }

  async #loginServer(registry: RegistryResourceRef): Promise<string> {
    const key = `${registry.subscriptionId}/${registry.resourceGroup}/${registry.name}`.toLowerCase();
    let server = this.#loginServers.get(key);
    if (!server) {
      const found = await this.#client(registry.subscriptionId).registries.get(registry.resourceGroup, registry.name);
      server = found.loginServer!;
      this.#loginServers.set(key, server);
    }
    return server;
  }
}

/** A token as the core sees it: slot names and expiries, never values. */
export function toToken(t: Token): RegistryToken {
  const passwords: TokenPasswordSlot[] = (t.credentials?.passwords ?? [])
    .filter((p) => p.name)
    .map((p) => ({
      name: p.name as 'password1' | 'password2',
      ...(p.expiry && { expiry: p.expiry.toISOString() }),
      ...(p.creationTime && { creationTime: p.creationTime.toISOString() }),
    }));
  return { id: t.id!, name: t.name!, ...(t.status && { status: t.status }), passwords };
}
