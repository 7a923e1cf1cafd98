/**
 * Adding and removing an app's password credentials, kept in step with the emulator's Entra
 * ID: a secret Graph hands out must sign in (after propagation), and a removed one must not.
 */
import { randomUUID } from 'node:crypto';
import type { EntraIdentity } from '../identity.ts';
import { newSecretText } from './store.ts';
import type { ApplicationState, PasswordCredentialState } from './store.ts';

/** Graph's default lifetime of a new password: two years from its start (application-addpassword.md). */
export function twoYearsAfter(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + 2);
  return d.getTime();
}

export interface NewCredential {
  keyId?: string;
  displayName?: string | null;
  startDateTime: number;
  endDateTime: number;
  secret?: string;
  /** Emulator time from which Entra accepts the secret (`Infinity`: never). */
  usableFrom: number;
}

/** Adds a password credential to `app` and registers its secret with Entra ID. */
export function addCredential(identity: EntraIdentity, app: ApplicationState, fields: NewCredential): PasswordCredentialState {
  const secret = fields.secret ?? newSecretText();
  const cred: PasswordCredentialState = {
    keyId: (fields.keyId ?? randomUUID()).toLowerCase(),
    displayName: fields.displayName ?? null,
    startDateTime: fields.startDateTime,
    endDateTime: fields.endDateTime,
    hint: secret.slice(0, 3),
    secret,
  };
  app.passwordCredentials.push(cred);
  app.issuedSecrets.push(secret);
  // Entra also refuses a secret before its startDateTime (assumed; resources/passwordcredential.md: "becomes valid").
  // Propagation after addPassword: microsoftgraph/microsoft-graph-docs#17966 (4–18 s observed).
  identity.addClient(app.tenantId, app.appId, secret, { usableFrom: Math.max(fields.usableFrom, fields.startDateTime), expiresAt: fields.endDateTime });
  return cred;
}

/** Moves a credential's expiry, at Entra ID too (which keeps the secret's propagation state). */
export function moveExpiry(identity: EntraIdentity, app: ApplicationState, cred: PasswordCredentialState, endDateTime: number): void {
  cred.endDateTime = endDateTime;
  identity.setSecretExpiry(app.tenantId, app.appId, cred.secret, endDateTime);
}

/** Removes the credential `keyId` and revokes its secret (application-removepassword.md); `false` when the app has none such. */
export function removeCredential(identity: EntraIdentity, app: ApplicationState, keyId: string): boolean {
  const index = app.passwordCredentials.findIndex((c) => c.keyId === keyId.toLowerCase());
  if (index < 0) return false;
  const [cred] = app.passwordCredentials.splice(index, 1);
  // Two credentials never share a generated secret, but seeded ones might.
  if (!app.passwordCredentials.some((c) => c.secret === cred!.secret)) identity.removeSecret(app.tenantId, app.appId, cred!.secret);
  return true;
}
