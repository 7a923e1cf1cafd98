/** DNS suffixes of Key Vault and Managed HSM in the public and sovereign clouds. */
const knownSuffixes = ['.vault.azure.net', '.vault.azure.cn', '.vault.usgovcloudapi.net', '.vault.microsoftazure.de', '.managedhsm.azure.net'];

/**
 * Whether the vault URL's host is on a domain Microsoft runs Key Vault on. The SDK checks
 * that a challenge's resource matches the vault's domain; that check only makes sense (and
 * only passes) for those domains, so it is switched off for any other host (private
 * endpoints behind custom DNS, emulators) and kept on everywhere else.
 */
export function isKnownVaultHost(vaultUrl: string): boolean {
  let host: string;
  try {
    host = new URL(vaultUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return knownSuffixes.some((suffix) => host.endsWith(suffix));
}
