import { ErrorCode, type UserVisibleError } from '../errors.ts';

/**
 * The vault answered, but has no secret by that name. Not transient: retrying will not help
 * until someone creates the secret. The message names the vault and secret, never a value.
 */
export class SecretNotFoundError extends Error implements UserVisibleError {
  override name = 'SecretNotFoundError';
  readonly code = ErrorCode.SecretNotFound;
  readonly hint = 'Create the secret in that vault (or fix the reference), then run the command again.';
  readonly vaultUrl: string;
  readonly secretName: string;
  readonly transient = false;
  constructor(vaultUrl: string, secretName: string) {
    super(`Key Vault ${vaultUrl} has no secret named '${secretName}'.`);
    this.vaultUrl = vaultUrl;
    this.secretName = secretName;
  }
}
