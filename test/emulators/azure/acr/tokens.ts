/**
 * Repository-scoped tokens of a registry, as `@azure/arm-containerregistry@11` calls them
 * (api-version 2025-11-01), relative to the registry path:
 *
 * | endpoint | answer |
 * |---|---|
 * | `GET /tokens` | 200 `{value}`: tokens with password slots' names, creation times and expiries, never values |
 * | `GET /tokens/{name}` | 200 Token, or ARM's 404 |
 * | `PATCH /tokens/{name}` | 200 Token (the update completes at once, so the SDK's poller ends on it); `credentials.passwords` lists the slots to keep |
 * | `POST /generateCredentials` | 202 + `Location`; the location answers 200 `{username, passwords: [{name, value, creationTime, expiry?}]}` (LRO final-state-via location) |
 *
 * Regenerating a slot replaces its value at once (the old one stops working); the other slot is untouched.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, resourceNotFound } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import type { Route, RouteContext } from '../router.ts';
import type { EmulatedRegistry } from './registry.ts';

export type TokenSlot = 'password1' | 'password2';

export interface TokenPasswordState {
  value: string;
  creationTime: number;
  expiry?: number;
}

export interface EmulatedToken {
  id: string;
  name: string;
  status: 'enabled' | 'disabled';
  scopeMapId: string;
  created: number;
  passwords: Map<TokenSlot, TokenPasswordState>;
}

/** Tokens per registry (lower-case registry name → token name → token), and pending operations. */
export class TokenStore {
  readonly byRegistry = new Map<string, Map<string, EmulatedToken>>();
  readonly operations = new Map<string, { result: unknown; readyAt: number; location: string }>();

  of(registry: string): Map<string, EmulatedToken> {
    const key = registry.toLowerCase();
    let tokens = this.byRegistry.get(key);
    if (!tokens) {
      tokens = new Map();
      this.byRegistry.set(key, tokens);
    }
    return tokens;
  }
}

/** A password like ACR's: 52 characters of base64 without padding. */
export function newTokenPassword(): string {
  return randomBytes(39).toString('base64').replace(/[+/]/g, 'A');
}

const iso = (ms: number) => new Date(ms).toISOString();

export function tokenJson(t: EmulatedToken): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    type: 'Microsoft.ContainerRegistry/registries/tokens',
    properties: {
      creationDate: iso(t.created),
      provisioningState: 'Succeeded',
      scopeMapId: t.scopeMapId,
      status: t.status,
      credentials: {
        certificates: [],
        passwords: [...t.passwords].map(([name, p]) => ({ name, creationTime: iso(p.creationTime), ...(p.expiry !== undefined && { expiry: iso(p.expiry) }) })),
      },
    },
  };
}

const SLOTS: readonly TokenSlot[] = ['password1', 'password2'];

/** The token routes, given how to resolve the registry of a request. */
export function tokenRoutes(registryPattern: string, tokens: TokenStore, withRegistry: (fn: (registry: EmulatedRegistry, ctx: RouteContext) => Reply) => (ctx: RouteContext) => Reply, apiVersions: RegExp): Route[] {
  const tokenOr404 = (registry: EmulatedRegistry, name: string): EmulatedToken | Reply =>
    tokens.of(registry.name).get(name.toLowerCase()) ?? resourceNotFound('Microsoft.ContainerRegistry/registries/tokens', `${registry.name}/${name}`, registry.resourceGroup);
  const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v && typeof (v as Reply).status === 'number';
  const opLocation = (ctx: RouteContext, registry: EmulatedRegistry, id: string) =>
    `${ctx.baseUrl}/subscriptions/${registry.subscriptionId}/providers/Microsoft.ContainerRegistry/locations/${registry.location}/generateCredentialsResults/${id}?api-version=${ctx.req.query['api-version'] ?? '2025-11-01'}`;

  return [
    {
      method: 'GET',
      pattern: `${registryPattern}/tokens`,
      apiVersions,
      handler: withRegistry((registry) => json(200, { value: [...tokens.of(registry.name).values()].map(tokenJson) })),
    },
    {
      method: 'GET',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const token = tokenOr404(registry, ctx.params.tokenName!);
        return isReply(token) ? token : json(200, tokenJson(token));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const token = tokenOr404(registry, ctx.params.tokenName!);
        if (isReply(token)) return token;
        const body = ctx.req.body as { properties?: { status?: string; credentials?: { passwords?: { name?: string }[] } } } | undefined;
        const keep = body?.properties?.credentials?.passwords;
        if (keep !== undefined) {
          const names = new Set(keep.map((p) => p.name));
          if ([...names].some((n) => !SLOTS.includes(n as TokenSlot))) return badRequest('InvalidParameter', "Password names must be 'password1' or 'password2'.");
          for (const slot of [...token.passwords.keys()]) if (!names.has(slot)) token.passwords.delete(slot);
        }
        if (body?.properties?.status === 'enabled' || body?.properties?.status === 'disabled') token.status = body.properties.status;
        return json(200, tokenJson(token));
      }),
    },
    {
      method: 'POST',
      pattern: `${registryPattern}/generateCredentials`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const body = ctx.req.body as { tokenId?: string; name?: string; expiry?: string } | undefined;
        const tokenName = body?.tokenId?.split('/').pop() ?? '';
        const token = tokens.of(registry.name).get(tokenName.toLowerCase());
        if (!token || body?.tokenId?.toLowerCase() !== token.id.toLowerCase()) return badRequest('InvalidParameter', `The token '${body?.tokenId ?? ''}' was not found in registry '${registry.name}'.`);
        const slots = body?.name === undefined ? SLOTS : SLOTS.filter((s) => s === body.name);
        if (slots.length === 0) return badRequest('InvalidParameter', "The password name must be 'password1' or 'password2'.");
        const expiry = body?.expiry ? Date.parse(body.expiry) : undefined;
        const passwords = slots.map((name) => {
          const state: TokenPasswordState = { value: newTokenPassword(), creationTime: ctx.now, ...(expiry !== undefined && Number.isFinite(expiry) && { expiry }) };
          token.passwords.set(name, state);
          return { name, value: state.value, creationTime: iso(state.creationTime), ...(state.expiry !== undefined && { expiry: iso(state.expiry) }) };
        });
        const id = guid();
        const location = opLocation(ctx, registry, id);
        tokens.operations.set(id, { result: { username: token.name, passwords }, readyAt: ctx.now + 200, location });
        return empty(202, { Location: location, 'Retry-After': 1 });
      }),
    },
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/locations/{location}/generateCredentialsResults/{operationId}',
      handler: (ctx) => {
        const op = tokens.operations.get(ctx.params.operationId!);
        if (!op) return badRequest('InvalidOperationId', `The operation '${ctx.params.operationId}' was not found.`);
        if (ctx.now < op.readyAt) return empty(202, { Location: op.location, 'Retry-After': 1 });
        return json(200, op.result);
      },
    },
  ];
}

/** What `docker login -u <token> -p <password>` is accepted with. */
export function checkTokenPassword(tokens: TokenStore, registry: string, tokenName: string, password: string, now: number): boolean {
  const token = tokens.of(registry).get(tokenName.toLowerCase());
  if (!token || token.status !== 'enabled') return false;
  return [...token.passwords.values()].some((p) => p.value === password && (p.expiry === undefined || p.expiry > now));
}
