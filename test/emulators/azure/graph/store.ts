/**
 * Directory state behind the Graph emulator: app registrations per tenant and their password
 * credentials. Secrets are kept (Graph never shows them again) so tests can sign in with them.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface PasswordCredentialState {
  keyId: string;
  displayName: string | null;
  /** ms since epoch */
  startDateTime: number;
  /** ms since epoch */
  endDateTime: number;
  hint: string;
  secret: string;
}

export interface ApplicationState {
  /** Position in {@link GraphStore.apps}: the listing order, which skip tokens resume from. */
  index: number;
  /** The directory object id (`/applications/{id}`). */
  id: string;
  /** The client id that `ClientSecretCredential` signs in with. */
  appId: string;
  displayName: string;
  tenantId: string;
  createdDateTime: number;
  passwordCredentials: PasswordCredentialState[];
  /** Every secret the app ever had, removed ones included, oldest first. */
  issuedSecrets: string[];
  /** New secrets of this app never become usable at Entra (a stuck propagation). */
  neverPropagate: boolean;
}

// The characters of Entra-generated client secrets (assumed, from secrets seen in the portal).
// application-addpassword.md: the service generates them, 16–64 characters.
const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.~-';

function randomChars(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const byte of bytes) out += SECRET_ALPHABET[byte % SECRET_ALPHABET.length];
  return out;
}

/**
 * A 40-character secret shaped like the ones Entra issues today: three characters (the
 * `hint`, which resources/passwordcredential.md says holds the first three characters), a `8Q~`
 * marker (assumed), then 34 more. Code that checks the shape sees a realistic one.
 */
export function newSecretText(): string {
  return `${randomChars(3)}8Q~${randomChars(34)}`;
}

export class GraphStore {
  /** Every app, oldest first (apps are never deleted, so `index` stays valid). */
  readonly apps: ApplicationState[] = [];
  readonly #byId = new Map<string, ApplicationState>();
  readonly #byAppId = new Map<string, ApplicationState>();

  add(fields: { id?: string; appId?: string; displayName: string; tenantId: string; createdDateTime: number }): ApplicationState {
    const id = (fields.id ?? randomUUID()).toLowerCase();
    const appId = (fields.appId ?? randomUUID()).toLowerCase();
    if (this.#byId.has(id)) throw new Error(`The Graph emulator already has an application with id '${id}'.`);
    if (this.#byAppId.has(appId)) throw new Error(`The Graph emulator already has an application with appId '${appId}'.`);
    const app: ApplicationState = {
      index: this.apps.length,
      id,
      appId,
      displayName: fields.displayName,
      tenantId: fields.tenantId,
      createdDateTime: fields.createdDateTime,
      passwordCredentials: [],
      issuedSecrets: [],
      neverPropagate: false,
    };
    this.apps.push(app);
    this.#byId.set(id, app);
    this.#byAppId.set(appId, app);
    return app;
  }

  byId(id: string): ApplicationState | undefined {
    return this.#byId.get(id.toLowerCase());
  }

  byAppId(appId: string): ApplicationState | undefined {
    return this.#byAppId.get(appId.toLowerCase());
  }

  /** `app` if it lives in `tenantId`: a token only sees its own tenant's directory. */
  inTenant(app: ApplicationState | undefined, tenantId: string): ApplicationState | undefined {
    return app && app.tenantId.toLowerCase() === tenantId.toLowerCase() ? app : undefined;
  }

  /** Up to `size` apps of `tenantId` matching `keep`, from position `from` on; `more` when others match after them. */
  page(tenantId: string, keep: (app: ApplicationState) => boolean, from: number, size: number): { items: ApplicationState[]; more: boolean } {
    const tenant = tenantId.toLowerCase();
    const items: ApplicationState[] = [];
    for (let i = from; i < this.apps.length; i++) {
      const app = this.apps[i]!;
      if (app.tenantId.toLowerCase() !== tenant || !keep(app)) continue;
      // Graph sends a nextLink only when another item exists, so look one past the page.
      if (items.length === size) return { items, more: true };
      items.push(app);
    }
    return { items, more: false };
  }
}
