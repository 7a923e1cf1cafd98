/**
 * The vault answered, but has no secret by that name. Not transient: retrying will not help
 * until someone creates the secret. The message names the vault and secret, never a value.
 */
export class SecretNotFoundError extends Error {
  override name = 'SecretNotFoundError';
  readonly code = 'chatops_secret_not_found';
  readonly vaultUrl: string;
  readonly secretName: string;
  readonly transient = false;
  constructor(vaultUrl: string, secretName: string) {
    super(`Key Vault ${vaultUrl} has no secret named '${secretName}'.`);
    this.vaultUrl = vaultUrl;
    this.secretName = secretName;
  }
}
