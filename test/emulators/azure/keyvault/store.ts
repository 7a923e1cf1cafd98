/**
 * Key Vault state: vaults, their secrets and every version of each secret, plus a log of
 * secret reads so tests can assert who read what.
 */
import { randomBytes } from 'node:crypto';

/** One secret version as Key Vault stores it (times in Unix seconds, as on the wire). */
export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

/** A read of a secret's value (`GET /secrets/{name}[/{version}]`). */
export interface SecretRead {
  vault: string;
  name: string;
  /** The version served. */
  version: string;
  /** Whether the caller asked for that version explicitly (otherwise: latest). */
  pinned: boolean;
  /** `appid`/client id of the token that read it. */
  clientId: string;
  at: Date;
}

export interface Vault {
  name: string;
  tenantId: string;
  /** secret name (lower case; Key Vault names are case-insensitive: "About keys, secrets, and certificates") → versions, oldest first */
  secrets: Map<string, { name: string; versions: SecretVersion[] }>;
}

/** Key Vault version ids are 32 lower-case hex characters (as in GetSecret-example.json's id). */
function newVersion(): string {
  return randomBytes(16).toString('hex');
}

export class KeyVaultStore {
  readonly vaults = new Map<string, Vault>();
  readonly reads: SecretRead[] = [];
  /** Secrets per `GET /secrets` page (secrets.json `maxresults`: up to 25 when not specified). */
  pageSize = 25;

  addVault(name: string, tenantId: string): Vault {
    const existing = this.vaults.get(name.toLowerCase());
    if (existing) return existing;
    const vault: Vault = { name, tenantId, secrets: new Map() };
    this.vaults.set(name.toLowerCase(), vault);
    return vault;
  }

  vault(name: string): Vault | undefined {
    return this.vaults.get(name.toLowerCase());
  }

  /** Adds a new version (secrets.json SetSecret: "If the named secret already exists, Azure Key Vault creates a new version of that secret") and returns it. */
  setSecret(vault: Vault, name: string, fields: Omit<SecretVersion, 'version' | 'created' | 'updated'>, nowMs: number): SecretVersion {
    const entry = vault.secrets.get(name.toLowerCase()) ?? { name, versions: [] };
    vault.secrets.set(name.toLowerCase(), entry);
    const now = Math.floor(nowMs / 1000);
    const version: SecretVersion = { ...fields, version: newVersion(), created: now, updated: now };
    entry.versions.push(version);
    return version;
  }

  /** The named version, or the latest when `version` is empty. */
  find(vault: Vault, name: string, version: string | undefined): { name: string; version: SecretVersion } | undefined {
    const entry = vault.secrets.get(name.toLowerCase());
    if (!entry) return undefined;
    const found = version ? entry.versions.find((v) => v.version === version.toLowerCase()) : entry.versions.at(-1);
    return found ? { name: entry.name, version: found } : undefined;
  }
}
