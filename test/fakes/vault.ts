import { AzureOperationError } from '../../src/core/azure-errors.ts';
import type { SecretVault } from '../../src/core/credentials/ports.ts';

/** One Key Vault secret's versions in memory (whatever its name); version ids are `v<index>`. */
export class FakeVault implements SecretVault {
  versions: { value: string; tags: Record<string, string> }[];
  /** Every value written, with the name it was written under, in order. */
  readonly stored: { name: string; value: string }[] = [];
  /** The next write fails as an unreachable vault would (a transient error). */
  failNextSet = false;

  constructor(versions: { value: string; tags: Record<string, string> }[] = []) {
    this.versions = versions;
  }

  async setSecret(_vaultUrl: string, name: string, value: string, options: { tags?: Record<string, string> }): Promise<string> {
    if (this.failNextSet) {
      this.failNextSet = false;
      throw new AzureOperationError('Key Vault is unavailable', { transient: true, hint: 'try later' });
    }
    this.versions.push({ value, tags: options.tags ?? {} });
    this.stored.push({ name, value });
    return `v${this.versions.length - 1}`;
  }
  async current(_vaultUrl: string, _name: string): Promise<{ value: string; version: string; tags: Record<string, string> } | undefined> {
    const v = this.versions.at(-1);
    return v && { value: v.value, version: `v${this.versions.length - 1}`, tags: v.tags };
  }
  async version(_vaultUrl: string, _name: string, version: string): Promise<string> {
    return this.versions[Number(version.slice(1))]!.value;
  }
}
