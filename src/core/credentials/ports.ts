/** One client secret of an app registration, as Graph lists it (never its value). */
export interface PasswordCredential {
  keyId: string;
  displayName?: string;
  /** ISO time. */
  endDateTime: string;
  startDateTime?: string;
}

export interface AppRegistration {
  /** Graph object id. */
  id: string;
  appId: string;
  displayName: string;
  passwords: PasswordCredential[];
}

/** One secret that is expiring or expired, with the threshold it has crossed. */
export interface ExpiringCredential {
  /** An app registration's client secret (default), or a password slot of a registry token. */
  kind?: 'registry-token';
  /** For registry tokens: the environment whose registry holds the token. */
  environment?: string;
  /** App id; for registry tokens, the registry name. */
  appId: string;
  /** App name; for registry tokens, `registry/token`. */
  appName: string;
  /** Secret key id; for registry tokens, the slot (`password1`, `password2`). */
  keyId: string;
  displayName?: string;
  endDateTime: string;
  /** Whole days left, rounded down; negative once expired. */
  daysLeft: number;
  /** The smallest configured threshold it is within, or -1 once expired. */
  threshold: number;
}

/** App registrations and their secrets, through Microsoft Graph. */
export interface Applications {
  /** Every app in `appIds`, or every app the identity can read when absent (paged). */
  list(appIds?: readonly string[]): Promise<AppRegistration[]>;
  /** By appId or exact display name; undefined when there is none. */
  find(appIdOrName: string): Promise<AppRegistration | undefined>;
  /** The new secret's value is returned once, here. */
  addPassword(app: AppRegistration, displayName: string): Promise<{ keyId: string; secretText: string; endDateTime: string }>;
  /** Succeeds when the credential is already gone. */
  removePassword(app: AppRegistration, keyId: string): Promise<void>;
}

/** Where rotated secrets are kept. */
export interface SecretVault {
  /** Writes a new version; returns its version id. */
  setSecret(vaultUrl: string, name: string, value: string, options: { expiresOn?: Date; contentType?: string; tags?: Record<string, string> }): Promise<string>;
  /** The current version (value and tags), or undefined when the secret does not exist. */
  current(vaultUrl: string, name: string): Promise<{ value: string; version: string; tags: Record<string, string> } | undefined>;
  /** A given version's value. */
  version(vaultUrl: string, name: string, version: string): Promise<string>;
}

/** Whether a secret signs in yet: Entra ID takes a while to accept a new one everywhere. */
export interface SecretVerifier {
  /**
   * `not-yet` only while the secret may still be propagating. Any other refusal throws an
   * AzureOperationError: transient when Entra ID could not answer, definite (the secret will
   * never work as it is) otherwise.
   */
  verify(appId: string, secret: string): Promise<'ok' | 'not-yet'>;
}

/**
 * Which expiry thresholds were announced per credential. A threshold counts as announced only
 * once Slack took the alert: a scan claims what is news, then confirms it (delivered) or
 * releases it (the channel refused the alert), so the next scan says it again.
 */
export interface AlertLedger {
  /** What is news (a lower threshold than last announced, not being announced by another scan), held for `scanId`. */
  claimNew(credentials: readonly ExpiringCredential[], scanId: string): Promise<ExpiringCredential[]>;
  confirm(credentials: readonly ExpiringCredential[], scanId: string): Promise<void>;
  release(credentials: readonly ExpiringCredential[], scanId: string): Promise<void>;
}

/** Answers a person privately (the slash command's response_url). */
export interface PrivateReplies {
  reply(responseUrl: string, text: import('../mrkdwn.ts').Mrkdwn): Promise<void>;
}

/** One password slot of a repository-scoped registry token (never its value). */
export interface TokenPasswordSlot {
  name: 'password1' | 'password2';
  expiry?: string;
  creationTime?: string;
}

export interface RegistryToken {
  id: string;
  name: string;
  status?: string;
  passwords: TokenPasswordSlot[];
}

/** Repository-scoped tokens of a container registry (ARM), and a data-plane sign-in check. */
export interface RegistryTokens {
  list(registry: import('../deploy/ports.ts').RegistryResourceRef): Promise<RegistryToken[]>;
  /** Regenerates one slot; its value is returned once, here. */
  generate(
    registry: import('../deploy/ports.ts').RegistryResourceRef,
    token: RegistryToken,
    slot: 'password1' | 'password2',
    expiry?: Date,
  ): Promise<{ value: string; expiry?: string }>;
  /** Drops every password slot but `keep`. */
  keepOnly(registry: import('../deploy/ports.ts').RegistryResourceRef, token: RegistryToken, keep: 'password1' | 'password2'): Promise<void>;
  /** Whether `docker login` with this token and password would work yet. */
  verify(registry: import('../deploy/ports.ts').RegistryResourceRef, tokenName: string, password: string): Promise<'ok' | 'not-yet'>;
}

/** What the last full scan found within the first alert threshold (the App Home shows it to admins). */
export interface ExpirySnapshot {
  /** ISO time of the scan. */
  scannedAt: string;
  /** The first (largest) threshold, in days. */
  withinDays: number;
  credentials: ExpiringCredential[];
}

export interface ExpirySnapshots {
  save(snapshot: ExpirySnapshot): Promise<void>;
  latest(): Promise<ExpirySnapshot | undefined>;
}
