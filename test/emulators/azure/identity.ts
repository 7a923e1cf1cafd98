/**
 * Entra ID state: registered service principals (tenant, client id, secrets) and the access
 * tokens issued to them. Services behind the emulator accept only tokens issued here.
 * What each refusal looks like on the wire, with its source, is in identity-routes.ts.
 */
import { randomBytes } from 'node:crypto';
import { stableGuid } from './ids.ts';
import { signJwt } from './jwt.ts';

/** An access token the emulator issued. */
export interface IssuedToken {
  accessToken: string;
  tenantId: string;
  clientId: string;
  /** The resource the token is for: the requested scope without `/.default`. */
  audience: string;
  /** The scope as requested, e.g. `https://localhost:8443/.default`. */
  scope: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Why a bearer token was refused. */
export type BearerProblem = 'missing' | 'malformed' | 'unknown' | 'expired' | 'audience';

/** Result of {@link EntraIdentity.verifyBearer}. */
export type BearerCheck = { ok: true; token: IssuedToken } | { ok: false; problem: BearerProblem; token?: IssuedToken };

/** Outcome of a client-credentials check. */
export type ClientCheck = 'ok' | 'unknown-tenant' | 'unknown-client' | 'wrong-secret' | 'expired-secret';

/** When a registered secret works, on the emulator clock (ms since epoch). */
export interface ClientSecretOptions {
  /**
   * Before this, Entra refuses the secret as if it were wrong (AADSTS7000215): a new secret
   * takes a while to reach every Entra replica. `Infinity` → never usable. Default: at once.
   */
  usableFrom?: number;
  /** From this on, Entra refuses the secret as expired (AADSTS7000222). Default: never. */
  expiresAt?: number;
}

interface SecretState {
  usableFrom: number;
  expiresAt: number;
}

function normalizeAudience(audience: string): string {
  return audience.trim().replace(/\/+$/, '').toLowerCase();
}

/**
 * The emulator's Entra ID. Register service principals with {@link addClient}; the token
 * endpoint then issues tokens for their secrets.
 */
export class EntraIdentity {
  /** Lifetime of issued tokens (`expires_in`). Entra ID issues 60–90 minute tokens (learn.microsoft.com "Access tokens in the Microsoft identity platform", token lifetime). */
  tokenLifetimeSeconds = 3599;

  /** tenant (lower case) → client id (lower case) → secret → when it works */
  readonly #clients = new Map<string, Map<string, Map<string, SecretState>>>();
  /** `tenant/client` (lower case) of apps whose service principal was deleted. */
  readonly #withoutServicePrincipal = new Set<string>();
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  /**
   * Registers a service principal (app registration) with a client secret. Calling again adds
   * another secret (or replaces the options of the same one). Without `secret` the client
   * exists with no secret yet: sign-ins then fail as a wrong secret, not an unknown app.
   */
  addClient(tenantId: string, clientId: string, secret?: string, options: ClientSecretOptions = {}): void {
    const tenant = this.#clients.get(tenantId.toLowerCase()) ?? new Map<string, Map<string, SecretState>>();
    this.#clients.set(tenantId.toLowerCase(), tenant);
    const secrets = tenant.get(clientId.toLowerCase()) ?? new Map<string, SecretState>();
    tenant.set(clientId.toLowerCase(), secrets);
    if (secret === undefined) return;
    secrets.set(secret, { usableFrom: options.usableFrom ?? Number.NEGATIVE_INFINITY, expiresAt: options.expiresAt ?? Number.POSITIVE_INFINITY });
  }

  /** Changes when a registered secret expires (e.g. a test moving a credential's end date). */
  setSecretExpiry(tenantId: string, clientId: string, secret: string, expiresAt: number): void {
    const state = this.#clients.get(tenantId.toLowerCase())?.get(clientId.toLowerCase())?.get(secret);
    if (state) state.expiresAt = expiresAt;
  }

  /** Revokes one secret of a client (already issued tokens stay valid until they expire: the access tokens page, "Revocation"). */
  removeSecret(tenantId: string, clientId: string, secret: string): void {
    this.#clients.get(tenantId.toLowerCase())?.get(clientId.toLowerCase())?.delete(secret);
  }

  /**
   * Whether the app has a service principal in `tenantId`. An app registration without one
   * cannot sign in there (AADSTS700016), whatever its secrets: Graph creates the application
   * object only, the service principal is a separate object per tenant (learn.microsoft.com,
   * "Application and service principal objects in Microsoft Entra ID").
   */
  setServicePrincipal(tenantId: string, clientId: string, exists: boolean): void {
    const key = `${tenantId}/${clientId}`.toLowerCase();
    if (exists) this.#withoutServicePrincipal.delete(key);
    else this.#withoutServicePrincipal.add(key);
  }

  /** Whether a tenant has any registered client. */
  hasTenant(tenantId: string): boolean {
    return this.#clients.has(tenantId.toLowerCase());
  }

  /** Checks client credentials at emulator time `now` (ms). */
  checkClient(tenantId: string, clientId: string, secret: string, now: number = Date.now()): ClientCheck {
    const tenant = this.#clients.get(tenantId.toLowerCase());
    if (!tenant) return 'unknown-tenant';
    const secrets = tenant.get(clientId.toLowerCase());
    if (!secrets || this.#withoutServicePrincipal.has(`${tenantId}/${clientId}`.toLowerCase())) return 'unknown-client';
    const state = secrets.get(secret);
    if (!state || now < state.usableFrom) return 'wrong-secret';
    return now >= state.expiresAt ? 'expired-secret' : 'ok';
  }

  /** Issues an access token (an RS256 JWT with the claims of learn.microsoft.com "Access token claims reference", v2.0 app-only). */
  issue(tenantId: string, clientId: string, scope: string, now: number): IssuedToken {
    const audience = scope.replace(/\/\.default$/, '');
    const iat = Math.floor(now / 1000);
    const exp = iat + this.tokenLifetimeSeconds;
    const oid = stableGuid(`${tenantId}/${clientId}`);
    const accessToken = signJwt({
      aud: audience,
      iss: `${this.#baseUrl}/${tenantId}/v2.0`,
      iat,
      nbf: iat,
      exp,
      aio: randomBytes(24).toString('base64url'),
      azp: clientId,
      azpacr: '1',
      idtyp: 'app',
      oid,
      sub: oid,
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    });
    const token: IssuedToken = { accessToken, tenantId, clientId, audience, scope, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
    this.#tokens.set(accessToken, token);
    return token;
  }

  /**
   * Checks an `Authorization` header: a `Bearer` token this emulator issued, not expired,
   * for one of `audiences` (compared without trailing slashes, case-insensitively).
   */
  verifyBearer(authorization: string | undefined, audiences: readonly string[], now: number): BearerCheck {
    if (!authorization) return { ok: false, problem: 'missing' };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { ok: false, problem: 'malformed' };
    const token = this.#tokens.get(m[1]!);
    if (!token) return { ok: false, problem: 'unknown' };
    if (token.expiresAt.getTime() <= now) return { ok: false, problem: 'expired', token };
    const allowed = new Set(audiences.map(normalizeAudience));
    if (!allowed.has(normalizeAudience(token.audience))) return { ok: false, problem: 'audience', token };
    return { ok: true, token };
  }

  /** Copies of every token issued so far, oldest first. */
  issued(): IssuedToken[] {
    return [...this.#tokens.values()].map((t) => ({ ...t, issuedAt: new Date(t.issuedAt), expiresAt: new Date(t.expiresAt) }));
  }
}
