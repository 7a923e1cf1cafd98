/**
 * Repository-scoped tokens of a registry, as `@azure/arm-containerregistry@11` calls them
 * (api-version 2025-11-01; any dated version is accepted), relative to
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{reg}`.
 * Spec examples are in Azure/azure-rest-api-specs, specification/containerregistry/resource-manager/
 * Microsoft.ContainerRegistry/Registry/stable/2025-11-01/examples ("spec" below).
 *
 * | endpoint | answer | source |
 * |---|---|---|
 * | `GET /tokens` | 200 `{value, nextLink?}`, by name, `pageSize` per page; slots' names, creation times and expiries, never values | spec TokenList.json; order and page size assumed |
 * | `GET /tokens/{name}` | 200 Token, or ARM's 404 `ResourceNotFound` | spec TokenGet.json; 404: ARM's common envelope (assumed code) |
 * | `PUT /tokens/{name}` | 201 (new) / 200 (existing) Token, `Creating`/`Updating`, + `Azure-AsyncOperation` + `Retry-After`; a new token has no passwords | spec TokenCreate.json (201 + Azure-AsyncOperation); `Retry-After` and the states while busy assumed |
 * | | 400 `InvalidParameter` when `scopeMapId` names no scope map of the registry | assumed |
 * | `PATCH /tokens/{name}` | 201 Token, `Updating`, + `Azure-AsyncOperation` + `Retry-After`; `credentials.passwords` lists the slots to keep | spec TokenUpdate.json (200, or 201 + Azure-AsyncOperation); slots to keep by name: azure-cli acr/token.py `acr_token_credential_delete` |
 * | `DELETE /tokens/{name}` | 202 + `Location` + `Retry-After` (the location answers 202, then 200); 204 when there is no such token | spec TokenDelete.json (200 / 202 + Location / 204) |
 * | `GET /tokens/{name}/operationStatuses/tokens-{id}` | 200 `{id, name, status: InProgress|Succeeded, startTime, endTime?}` (PUT/PATCH), or the DELETE location | URL shape from spec TokenCreate.json / TokenDelete.json headers; body: ARM's async-operation contract (assumed fields) |
 * | `POST /generateCredentials` | 202 + `Location` + `Retry-After` | spec RegistryGenerateCredentials.json |
 * | `GET /operationStatuses/registries-{id}` | 202 while running, then 200 `{username, passwords: [{name, value, creationTime, expiry?}]}`; also the status of a registry `PATCH` (registry.ts) | result shape: spec RegistryGenerateCredentials.json 200; polling states assumed |
 *
 * Changes take effect when accepted (the operation only reports them; assumed): regenerating a
 * slot replaces its value at once, so the old one stops working; the other slot is untouched
 * (assumed).
 * `generateCredentials` without `name` regenerates both slots (azure-cli acr/token.py only sends a
 * name when one slot is asked for). Without `expiry` a password never expires (spec: `expiry` is
 * optional). Only `generateCredentials` creates password values; a PUT or PATCH can only drop
 * slots (spec: `TokenPassword.value` is read-only). Certificates are not modelled (always `[]`).
 * Operations: see operations.ts.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, resourceNotFound } from '../arm-errors.ts';
import { empty, json } from '../http.ts';
import type { Reply } from '../http.ts';
import type { Route } from '../router.ts';
import { ArmOperations, asyncOperationHeaders, iso, isObject, isReply, listPage, locationHeaders, operationStatusRoute } from './operations.ts';
import type { WithRegistry } from './operations.ts';
import type { EmulatedRegistry } from './registry.ts';

export type TokenSlot = 'password1' | 'password2';
export type TokenStatus = 'enabled' | 'disabled';

export const TOKEN_SLOTS: readonly TokenSlot[] = ['password1', 'password2'];
const TOKEN_TYPE = 'Microsoft.ContainerRegistry/registries/tokens';

export interface TokenPasswordState {
  value: string;
  creationTime: number;
  expiry?: number;
}

export interface EmulatedToken {
  id: string;
  name: string;
  status: TokenStatus;
  scopeMapId: string;
  created: number;
  passwords: Map<TokenSlot, TokenPasswordState>;
  /** A PUT or PATCH in progress: the provisioning state it shows until `until`. */
  busy?: { state: 'Creating' | 'Updating'; until: number };
}

/** Tokens per registry (lower-case registry name → lower-case token name → token), and the operations they start. */
export class TokenStore {
  readonly byRegistry = new Map<string, Map<string, EmulatedToken>>();
  /** Shared with the other registry-core routes (one store for every `operationStatuses` URL). */
  readonly operations: ArmOperations;
  /** Tokens per `tokens.list` page before a `nextLink`. */
  pageSize = 20;
  /** How long accepted PUT / PATCH / DELETE / generateCredentials operations report "in progress". */
  operationMs = 0;

  constructor(operations: ArmOperations = new ArmOperations()) {
    this.operations = operations;
  }

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

/** A password like ACR's: 52 characters of base64 without padding or `+`/`/`. */
export function newTokenPassword(): string {
  return randomBytes(39).toString('base64').replace(/[+/]/g, 'A');
}

/** ACR's token name rule (the SDK checks it client-side too). */
export function validTokenName(name: string): boolean {
  return /^[a-zA-Z0-9-]{5,50}$/.test(name);
}

function passwordJson(name: TokenSlot, p: TokenPasswordState, withValue: boolean): Record<string, unknown> {
  return { name, creationTime: iso(p.creationTime), ...(p.expiry !== undefined && { expiry: iso(p.expiry) }), ...(withValue && { value: p.value }) };
}

export function provisioningState(t: EmulatedToken, now: number): string {
  return t.busy && now < t.busy.until ? t.busy.state : 'Succeeded';
}

/** The token as ARM shows it: slot metadata, never values. */
export function tokenJson(t: EmulatedToken, now: number): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    type: TOKEN_TYPE,
    properties: {
      creationDate: iso(t.created),
      provisioningState: provisioningState(t, now),
      scopeMapId: t.scopeMapId,
      status: t.status,
      credentials: {
        certificates: [],
        passwords: TOKEN_SLOTS.flatMap((slot) => {
          const p = t.passwords.get(slot);
          return p ? [passwordJson(slot, p, false)] : [];
        }),
      },
    },
  };
}

/** Whether the registry would accept `docker login -u <token> -p <password>` at `now`. */
export function checkTokenPassword(tokens: TokenStore, registry: string, tokenName: string, password: string, now: number): boolean {
  const token = tokens.of(registry).get(tokenName.toLowerCase());
  if (token?.status !== 'enabled' || password === '') return false;
  return [...token.passwords.values()].some((p) => p.value === password && (p.expiry === undefined || p.expiry > now));
}

interface TokenProps {
  scopeMapId?: string;
  status?: TokenStatus;
  /** Slots named in `credentials.passwords`, when the body has that list. */
  keep?: Set<TokenSlot>;
}

/** Whether `name` is a scope map of `registry` (system-defined or created); see scope-maps.ts. */
export type ScopeMapCheck = (registry: EmulatedRegistry, name: string) => boolean;

/** Validates the `properties` of a PUT / PATCH body. */
function readProperties(body: unknown, registry: EmulatedRegistry, scopeMapExists?: ScopeMapCheck): TokenProps | Reply {
  if (body !== undefined && !isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const props = body?.properties;
  if (props === undefined) return {};
  if (!isObject(props)) return badRequest('InvalidRequestContent', "The 'properties' of the request must be an object.");
  const out: TokenProps = {};
  if (props.scopeMapId !== undefined) {
    const prefix = `${registry.id}/scopeMaps/`.toLowerCase();
    if (typeof props.scopeMapId !== 'string' || !props.scopeMapId.toLowerCase().startsWith(prefix) || props.scopeMapId.length === prefix.length) {
      return badRequest('InvalidParameter', `The scope map '${String(props.scopeMapId)}' is not a scope map of registry '${registry.name}'.`);
    }
    const scopeMapName = props.scopeMapId.slice(prefix.length);
    if (scopeMapExists && (scopeMapName.includes('/') || !scopeMapExists(registry, scopeMapName))) {
      return badRequest('InvalidParameter', `The scope map '${props.scopeMapId}' does not exist in registry '${registry.name}'.`);
    }
    out.scopeMapId = props.scopeMapId;
  }
  if (props.status !== undefined) {
    if (props.status !== 'enabled' && props.status !== 'disabled')
      return badRequest('InvalidParameter', `The token status '${String(props.status)}' is not valid; it must be 'enabled' or 'disabled'.`);
    out.status = props.status;
  }
  const credentials = props.credentials;
  if (credentials !== undefined) {
    if (!isObject(credentials)) return badRequest('InvalidRequestContent', "The 'credentials' of the token must be an object.");
    if (credentials.passwords !== undefined) {
      if (!Array.isArray(credentials.passwords)) return badRequest('InvalidRequestContent', "The 'credentials.passwords' of the token must be an array.");
      const keep = new Set<TokenSlot>();
      for (const p of credentials.passwords as unknown[]) {
        const name = isObject(p) ? p.name : undefined;
        if (name !== 'password1' && name !== 'password2')
          return badRequest('InvalidParameter', `The password name '${String(name)}' is not valid; it must be 'password1' or 'password2'.`);
        keep.add(name);
      }
      out.keep = keep;
    }
  }
  return out;
}

function applyProperties(token: EmulatedToken, props: TokenProps): void {
  if (props.scopeMapId !== undefined) token.scopeMapId = props.scopeMapId;
  if (props.status !== undefined) token.status = props.status;
  if (props.keep) for (const slot of [...token.passwords.keys()]) if (!props.keep.has(slot)) token.passwords.delete(slot);
}

/** The token routes, given how to resolve the registry of a request (and, optionally, which scope maps exist). */
export function tokenRoutes(
  registryPattern: string,
  tokens: TokenStore,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
  scopeMapExists?: ScopeMapCheck,
): Route[] {
  const tokenOr404 = (registry: EmulatedRegistry, name: string): EmulatedToken | Reply =>
    tokens.of(registry.name).get(name.toLowerCase()) ?? resourceNotFound(TOKEN_TYPE, `${registry.name}/${name}`, registry.resourceGroup);

  const operations = tokens.operations;

  return [
    {
      method: 'GET',
      pattern: `${registryPattern}/tokens`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const all = [...tokens.of(registry.name).values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
        return listPage(all, ctx, tokens.pageSize, (t) => tokenJson(t, ctx.now));
      }),
    },
    {
      method: 'GET',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const token = tokenOr404(registry, ctx.params.tokenName!);
        return isReply(token) ? token : json(200, tokenJson(token, ctx.now));
      }),
    },
    {
      method: 'PUT',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const name = ctx.params.tokenName!;
        if (!validTokenName(name)) return badRequest('InvalidParameter', `The token name '${name}' is not valid: it must be 5-50 letters, digits and hyphens.`);
        const props = readProperties(ctx.req.body, registry, scopeMapExists);
        if (isReply(props)) return props;
        const existing = tokens.of(registry.name).get(name.toLowerCase());
        if (!existing && props.scopeMapId === undefined) return badRequest('InvalidParameter', "The 'scopeMapId' of the token is required.");
        const token: EmulatedToken = existing ?? {
          id: `${registry.id}/tokens/${name}`,
          name,
          status: 'enabled',
          scopeMapId: props.scopeMapId!,
          created: ctx.now,
          passwords: new Map(),
        };
        applyProperties(token, props);
        tokens.of(registry.name).set(name.toLowerCase(), token);
        const op = operations.start(ctx, token.id, 'tokens', 'status', tokens.operationMs);
        token.busy = { state: existing ? 'Updating' : 'Creating', until: op.readyAt };
        return json(existing ? 200 : 201, tokenJson(token, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'PATCH',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const token = tokenOr404(registry, ctx.params.tokenName!);
        if (isReply(token)) return token;
        const props = readProperties(ctx.req.body, registry, scopeMapExists);
        if (isReply(props)) return props;
        applyProperties(token, props);
        const op = operations.start(ctx, token.id, 'tokens', 'status', tokens.operationMs);
        token.busy = { state: 'Updating', until: op.readyAt };
        return json(201, tokenJson(token, ctx.now), asyncOperationHeaders(op));
      }),
    },
    {
      method: 'DELETE',
      pattern: `${registryPattern}/tokens/{tokenName}`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const key = ctx.params.tokenName!.toLowerCase();
        const token = tokens.of(registry.name).get(key);
        if (!token) return empty(204);
        tokens.of(registry.name).delete(key);
        const op = operations.start(ctx, token.id, 'tokens', 'location', tokens.operationMs);
        return empty(202, locationHeaders(op));
      }),
    },
    operationStatusRoute(
      `${registryPattern}/tokens/{tokenName}`,
      operations,
      withRegistry,
      apiVersions,
      (registry, ctx) => `${registry.id}/tokens/${ctx.params.tokenName!}`,
    ),
    {
      method: 'POST',
      pattern: `${registryPattern}/generateCredentials`,
      apiVersions,
      handler: withRegistry((registry, ctx) => {
        const body: Record<string, unknown> = isObject(ctx.req.body) ? ctx.req.body : {};
        const { tokenId, name, expiry } = body;
        if (typeof tokenId !== 'string' || tokenId === '') return badRequest('InvalidParameter', "The 'tokenId' parameter is required.");
        const prefix = `${registry.id}/tokens/`.toLowerCase();
        const tokenName = tokenId.slice(prefix.length);
        if (!tokenId.toLowerCase().startsWith(prefix) || tokenName === '' || tokenName.includes('/')) {
          return badRequest('InvalidParameter', `The token id '${tokenId}' is not a token of registry '${registry.name}'.`);
        }
        const token = tokenOr404(registry, tokenName);
        if (isReply(token)) return token;
        if (name !== undefined && name !== 'password1' && name !== 'password2') {
          return badRequest('InvalidParameter', `The password name '${String(name)}' is not valid; it must be 'password1' or 'password2'.`);
        }
        let expiresAt: number | undefined;
        if (expiry !== undefined && expiry !== null) {
          expiresAt = typeof expiry === 'string' ? Date.parse(expiry) : Number.NaN;
          if (!Number.isFinite(expiresAt)) return badRequest('InvalidParameter', `The expiry '${String(expiry)}' is not a valid date-time.`);
        }
        const slots: readonly TokenSlot[] = name === 'password1' || name === 'password2' ? [name] : TOKEN_SLOTS;
        const passwords = slots.map((slot) => {
          const state: TokenPasswordState = { value: newTokenPassword(), creationTime: ctx.now, ...(expiresAt !== undefined && { expiry: expiresAt }) };
          token.passwords.set(slot, state);
          return passwordJson(slot, state, true);
        });
        const op = operations.start(ctx, registry.id, 'registries', 'location', tokens.operationMs, { username: token.name, passwords });
        return empty(202, locationHeaders(op));
      }),
    },
    operationStatusRoute(registryPattern, operations, withRegistry, apiVersions, (registry) => registry.id),
  ];
}
