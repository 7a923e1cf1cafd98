import { AzureOperationError } from '../../src/core/azure-errors.ts';
import type { RegistryResourceRef } from '../../src/core/deploy/ports.ts';
import type { RegistryToken, RegistryTokens } from '../../src/core/credentials/ports.ts';

type Slot = 'password1' | 'password2';

/** The passwords of one registry token (`ci-pull`) in memory; starts with password1 `p1-old`. */
export class FakeRegistryTokens implements RegistryTokens {
  values: Partial<Record<Slot, string>> = { password1: 'p1-old' };
  created: Partial<Record<Slot, string>> = { password1: '2026-01-01T00:00:00Z' };
  /** How many passwords were generated. */
  generated = 0;
  /** The value of the `n`th generated password. */
  newValue = (slot: Slot, n: number): string => `${slot}-new-${n}`;
  /** The next generate fails as a busy registry would (a transient error). */
  failNextGenerate = false;
  /** Whether a password that exists also signs in (a new one may take a while). */
  works = (_value: string): boolean => true;

  async list(_registry: RegistryResourceRef): Promise<RegistryToken[]> {
    const slots = (Object.keys(this.values) as Slot[]).filter((k) => this.values[k]);
    return [
      { id: '/tokens/ci-pull', name: 'ci-pull', passwords: slots.map((name) => ({ name, ...(this.created[name] && { creationTime: this.created[name] }) })) },
    ];
  }
  async generate(_registry: RegistryResourceRef, _token: RegistryToken, slot: Slot, expiry?: Date): Promise<{ value: string; expiry?: string }> {
    if (this.failNextGenerate) {
      this.failNextGenerate = false;
      throw new AzureOperationError('busy', { transient: true, hint: '' });
    }
    const value = this.newValue(slot, ++this.generated);
    this.values[slot] = value;
    this.created[slot] = '2026-11-28T00:00:00Z';
    return { value, ...(expiry && { expiry: expiry.toISOString() }) };
  }
  async keepOnly(_registry: RegistryResourceRef, _token: RegistryToken, keep: Slot): Promise<void> {
    for (const k of Object.keys(this.values) as Slot[]) if (k !== keep) delete this.values[k];
  }
  async verify(_registry: RegistryResourceRef, _tokenName: string, password: string): Promise<'ok' | 'not-yet'> {
    return Object.values(this.values).includes(password) && this.works(password) ? 'ok' : 'not-yet';
  }
}
