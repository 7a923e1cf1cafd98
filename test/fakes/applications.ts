import { AzureOperationError } from '../../src/core/azure-errors.ts';
import type { AppRegistration, Applications } from '../../src/core/credentials/ports.ts';

/**
 * Microsoft Graph with one app registration: `app` and the secret text of each of its
 * passwords (`secrets`, by key id). A new password is `new-<n>` with the secret `secret-<n>`.
 */
export class FakeApplications implements Applications {
  app: AppRegistration;
  secrets: Map<string, string>;
  /** How many passwords were added. */
  n = 0;
  /** The next addPassword creates its secret but its answer is lost (a 503 after the work was done). */
  loseNextAnswer = false;
  /** Key ids that reads do not show yet (Graph's replicas catch up a little later). */
  notYetListed = new Set<string>();

  constructor(app: AppRegistration, secrets: Map<string, string> = new Map()) {
    this.app = app;
    this.secrets = secrets;
  }

  async list(_appIds?: readonly string[]): Promise<AppRegistration[]> {
    return [await this.find()];
  }
  async find(_appIdOrName?: string): Promise<AppRegistration> {
    const seen = structuredClone(this.app);
    seen.passwords = seen.passwords.filter((p) => !this.notYetListed.delete(p.keyId));
    return seen;
  }
  async addPassword(_app: AppRegistration, displayName: string): Promise<{ keyId: string; secretText: string; endDateTime: string }> {
    const keyId = `new-${++this.n}`;
    this.app.passwords.push({ keyId, displayName, endDateTime: '2028-11-28T00:00:00Z' });
    this.secrets.set(keyId, `secret-${this.n}`);
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      this.notYetListed.add(keyId);
      throw new AzureOperationError('Microsoft Graph refused to add a secret: 503', { statusCode: 503, transient: true, hint: '' });
    }
    return { keyId, secretText: `secret-${this.n}`, endDateTime: '2028-11-28T00:00:00Z' };
  }
  async removePassword(_app: AppRegistration, keyId: string): Promise<void> {
    this.app.passwords = this.app.passwords.filter((p) => p.keyId !== keyId);
    this.secrets.delete(keyId);
  }
}
