/**
 * Test controls of the emulated Microsoft Graph (`emulator.graph`): seed app registrations and
 * their client secrets, read them back (secrets included, which Graph never shows again),
 * delay or block the propagation of new secrets to Entra ID, and throttle Graph.
 *
 * Point `@microsoft/microsoft-graph-client` at it with `baseUrl: azure.url` and
 * `customHosts: new Set(['localhost'])` (the client compares host names without the port),
 * and get tokens for `${azure.url}/.default`.
 */
import type { FamilyPolicy } from '../family.ts';
import type { FailNextOptions } from '../faults.ts';
import type { EntraIdentity } from '../identity.ts';
import { addCredential, moveExpiry } from './credentials.ts';
import { graphFamily } from './family.ts';
import { GraphStore } from './store.ts';
import type { ApplicationState } from './store.ts';

/** The tenant of apps added without `tenantId`. */
export const DEFAULT_GRAPH_TENANT = '8a3c1f0e-0000-4000-8000-00000000a11d';

/** A password credential to seed; `secret` defaults to a fresh Entra-style secret. */
export interface PasswordCredentialSeed {
  keyId?: string;
  displayName?: string;
  /** Default: now. */
  startDateTime?: Date;
  endDateTime: Date;
  secret?: string;
}

/** Options of {@link GraphEmulator.addApplication}. */
export interface ApplicationOptions {
  /** Object id. Default: a new GUID. */
  id?: string;
  /** Client id. Default: a new GUID. */
  appId?: string;
  displayName: string;
  /** The directory the app lives in; only tokens of this tenant see it. Default {@link GraphEmulator.defaultTenantId}. */
  tenantId?: string;
  /** Seeded secrets sign in at once (their propagation is long over). */
  passwordCredentials?: PasswordCredentialSeed[];
}

/** A password credential as tests see it (never the secret; see {@link GraphEmulator.secretOf}). */
export interface PasswordCredentialInfo {
  keyId: string;
  displayName: string | null;
  startDateTime: Date;
  endDateTime: Date;
  hint: string;
}

/** An app registration as tests see it. */
export interface ApplicationInfo {
  id: string;
  appId: string;
  displayName: string;
  tenantId: string;
  passwordCredentials: PasswordCredentialInfo[];
}

function snapshot(app: ApplicationState): ApplicationInfo {
  return {
    id: app.id,
    appId: app.appId,
    displayName: app.displayName,
    tenantId: app.tenantId,
    passwordCredentials: app.passwordCredentials.map((c) => ({
      keyId: c.keyId,
      displayName: c.displayName,
      startDateTime: new Date(c.startDateTime),
      endDateTime: new Date(c.endDateTime),
      hint: c.hint,
    })),
  };
}

/** `emulator.graph`. */
export class GraphEmulator {
  /** @internal The service family the emulator registers. */
  readonly family: FamilyPolicy;
  /**
   * How long after `addPassword` Entra ID still refuses the new secret (AADSTS7000215), as
   * while it replicates (microsoftgraph/microsoft-graph-docs#17966: 4–18 s observed). Read at
   * each `addPassword`. Default 0.
   */
  propagationMs = 0;
  /** The tenant of apps added without `tenantId`. */
  defaultTenantId = DEFAULT_GRAPH_TENANT;

  readonly #store = new GraphStore();
  readonly #identity: EntraIdentity;
  readonly #clock: () => number;
  readonly #failNext: (options: FailNextOptions) => void;

  /** @internal Created by the emulator. */
  constructor(identity: EntraIdentity, clock: () => number, failNext: (options: FailNextOptions) => void) {
    this.#identity = identity;
    this.#clock = clock;
    this.#failNext = failNext;
    this.family = graphFamily({ store: this.#store, identity, propagationMs: () => this.propagationMs });
  }

  /** Adds an app registration (and its service principal at Entra ID); seeded secrets sign in at once. */
  addApplication(options: ApplicationOptions): { id: string; appId: string } {
    const now = this.#clock();
    const app = this.#store.add({
      ...(options.id !== undefined && { id: options.id }),
      ...(options.appId !== undefined && { appId: options.appId }),
      displayName: options.displayName,
      tenantId: options.tenantId ?? this.defaultTenantId,
      createdDateTime: now,
    });
    this.#identity.addClient(app.tenantId, app.appId);
    for (const seed of options.passwordCredentials ?? []) {
      const start = seed.startDateTime?.getTime() ?? now;
      addCredential(this.#identity, app, {
        ...(seed.keyId !== undefined && { keyId: seed.keyId }),
        ...(seed.displayName !== undefined && { displayName: seed.displayName }),
        ...(seed.secret !== undefined && { secret: seed.secret }),
        startDateTime: start,
        endDateTime: seed.endDateTime.getTime(),
        usableFrom: Number.NEGATIVE_INFINITY,
      });
    }
    return { id: app.id, appId: app.appId };
  }

  /** Adds `count` apps (`app-1`, `app-2`, … unless `factory` says otherwise), in order. */
  addApplications(count: number, factory: (index: number) => Partial<ApplicationOptions> = () => ({})): { id: string; appId: string }[] {
    const added: { id: string; appId: string }[] = [];
    for (let i = 0; i < count; i++) added.push(this.addApplication({ displayName: `app-${i + 1}`, ...factory(i) }));
    return added;
  }

  /** The app with this object id, appId or (unique) display name, or `undefined`. */
  application(idOrAppId: string): ApplicationInfo | undefined {
    const app = this.#find(idOrAppId);
    return app && snapshot(app);
  }

  /** Every app (of one tenant, when given), in listing order. */
  applications(tenantId?: string): ApplicationInfo[] {
    return this.#store.apps.filter((a) => tenantId === undefined || a.tenantId.toLowerCase() === tenantId.toLowerCase()).map(snapshot);
  }

  /** The secret text of a current credential (Graph itself shows it only in the `addPassword` answer). */
  secretOf(idOrAppId: string, keyId: string): string | undefined {
    return this.#find(idOrAppId)?.passwordCredentials.find((c) => c.keyId === keyId.toLowerCase())?.secret;
  }

  /** Every secret text the app ever had, removed ones included, oldest first: for "never leaked" checks. */
  issuedSecrets(idOrAppId: string): string[] {
    return [...(this.#find(idOrAppId)?.issuedSecrets ?? [])];
  }

  /**
   * Moves the expiry of one credential (by keyId, or by its display name when unique), as time
   * passing would; Entra ID refuses the secret from then on (AADSTS7000222).
   */
  setEndDateTime(idOrAppId: string, keyIdOrDisplayName: string, endDateTime: Date): void {
    const app = this.#require(idOrAppId);
    const wanted = keyIdOrDisplayName.toLowerCase();
    const byKey = app.passwordCredentials.find((c) => c.keyId === wanted);
    const byName = app.passwordCredentials.filter((c) => c.displayName?.toLowerCase() === wanted);
    if (!byKey && byName.length > 1) throw new Error(`Application '${idOrAppId}' has ${byName.length} credentials named '${keyIdOrDisplayName}'; use a keyId.`);
    const cred = byKey ?? byName[0];
    if (!cred) throw new Error(`Application '${idOrAppId}' has no credential '${keyIdOrDisplayName}'.`);
    moveExpiry(this.#identity, app, cred, endDateTime.getTime());
  }

  /** From now on, secrets that `addPassword` creates for this app never work at Entra ID (`false` undoes it). */
  neverPropagate(idOrAppId: string, never = true): void {
    this.#require(idOrAppId).neverPropagate = never;
  }

  /**
   * Deletes the app's service principal in its tenant (`false` brings it back). The app
   * registration and its secrets stay, but every sign-in as the app answers AADSTS700016: the
   * application object and the per-tenant service principal are separate objects
   * (learn.microsoft.com, "Application and service principal objects in Microsoft Entra ID").
   */
  removeServicePrincipal(idOrAppId: string, removed = true): void {
    const app = this.#require(idOrAppId);
    this.#identity.setServicePrincipal(app.tenantId, app.appId, !removed);
  }

  /** The next `count` Graph requests answer `429 TooManyRequests` with `Retry-After: retryAfterSeconds` (concepts/throttling.md). */
  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.#failNext({ path: /^\/v1\.0(\/|$)/i, status: 429, retryAfterSeconds, times: count });
  }

  /** By object id or appId; else by display name, which Entra does not keep unique, so only a unique one. */
  #find(idOrAppId: string): ApplicationState | undefined {
    const direct = this.#store.byId(idOrAppId) ?? this.#store.byAppId(idOrAppId);
    if (direct) return direct;
    const named = this.#store.apps.filter((a) => a.displayName.toLowerCase() === idOrAppId.toLowerCase());
    if (named.length > 1) throw new Error(`${named.length} applications are named '${idOrAppId}' in the Graph emulator; use an id or appId.`);
    return named[0];
  }

  #require(idOrAppId: string): ApplicationState {
    const app = this.#find(idOrAppId);
    if (!app) throw new Error(`No application '${idOrAppId}' in the Graph emulator.`);
    return app;
  }
}
