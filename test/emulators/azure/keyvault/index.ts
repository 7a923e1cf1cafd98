/**
 * Test controls of the emulated Key Vault (`emulator.keyVault`): declare vaults, seed secrets,
 * inspect versions and reads. Point `SecretClient` at {@link KeyVaultEmulator.vaultUrl} with
 * `disableChallengeResourceVerification: true` (the vault is not on `*.vault.azure.net`).
 */
import type { FamilyPolicy } from '../family.ts';
import type { EntraIdentity } from '../identity.ts';
import { keyVaultFamily } from './family.ts';
import type { ChallengeStyle } from './family.ts';
import { KeyVaultStore } from './store.ts';
import type { SecretRead, Vault } from './store.ts';

export type { ChallengeStyle } from './family.ts';
export type { SecretRead } from './store.ts';

/** A secret version as tests see it (`nbf`/`exp` as Dates). */
export interface SecretVersionInfo {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  created: Date;
}

/** `emulator.keyVault`. */
export class KeyVaultEmulator {
  /** @internal The service family the emulator registers. */
  readonly family: FamilyPolicy;
  /** How 401 challenges name the token audience: `resource="…"` (default) or `scope="…/.default"`. */
  challengeStyle: ChallengeStyle = 'resource';

  readonly #store = new KeyVaultStore();
  readonly #baseUrl: string;
  readonly #clock: () => number;

  /** @internal Created by the emulator. */
  constructor(identity: EntraIdentity, baseUrl: string, clock: () => number) {
    this.#baseUrl = baseUrl;
    this.#clock = clock;
    this.family = keyVaultFamily(this.#store, identity, () => this.challengeStyle);
  }

  /** Secrets per `GET /secrets` page (default 25, Key Vault's maximum). */
  get pageSize(): number {
    return this.#store.pageSize;
  }
  set pageSize(size: number) {
    this.#store.pageSize = size;
  }

  /**
   * Declares a vault of `tenantId` (its challenge names that tenant, and tokens of other
   * tenants get `AKV10032`). Returns the vault URL to give `SecretClient`.
   */
  addVault(name: string, tenantId: string): string {
    this.#store.addVault(name, tenantId);
    return this.vaultUrl(name);
  }

  /** `https://localhost:PORT/vaults/{name}`: the `vaultUrl` for `SecretClient`. */
  vaultUrl(name: string): string {
    return `${this.#baseUrl}/vaults/${encodeURIComponent(name)}`;
  }

  /** Seeds a new secret version as `setSecret` would; returns its version id. */
  setSecret(
    vault: string,
    name: string,
    value: string,
    options: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; notBefore?: Date; expiresOn?: Date } = {},
  ): string {
    const v = this.#vault(vault);
    return this.#store.setSecret(
      v,
      name,
      {
        value,
        ...(options.contentType !== undefined && { contentType: options.contentType }),
        ...(options.tags && { tags: { ...options.tags } }),
        enabled: options.enabled ?? true,
        ...(options.notBefore && { nbf: Math.floor(options.notBefore.getTime() / 1000) }),
        ...(options.expiresOn && { exp: Math.floor(options.expiresOn.getTime() / 1000) }),
      },
      this.#clock(),
    ).version;
  }

  /** Every version of a secret, oldest first (`[]` when it does not exist). */
  secretVersions(vault: string, name: string): SecretVersionInfo[] {
    const entry = this.#vault(vault).secrets.get(name.toLowerCase());
    return (entry?.versions ?? []).map((v) => ({
      version: v.version,
      value: v.value,
      ...(v.contentType !== undefined && { contentType: v.contentType }),
      ...(v.tags && { tags: { ...v.tags } }),
      enabled: v.enabled,
      ...(v.nbf !== undefined && { notBefore: new Date(v.nbf * 1000) }),
      ...(v.exp !== undefined && { expiresOn: new Date(v.exp * 1000) }),
      created: new Date(v.created * 1000),
    }));
  }

  /** Successful value reads of a vault (of one secret, names compared case-insensitively), oldest first. */
  reads(vault: string, name?: string): SecretRead[] {
    const v = this.#vault(vault);
    return this.#store.reads
      .filter((r) => r.vault === v.name && (name === undefined || r.name.toLowerCase() === name.toLowerCase()))
      .map((r) => ({ ...r, at: new Date(r.at) }));
  }

  #vault(name: string): Vault {
    const vault = this.#store.vault(name);
    if (!vault) throw new Error(`No vault '${name}' in the Key Vault emulator.`);
    return vault;
  }
}
