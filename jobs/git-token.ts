import type { EnvironmentConfig } from '../src/config/file.ts';
import { gitTokenProblem } from '../src/core/build/git-token-policy.ts';
import type { SecretVault } from '../src/core/credentials/ports.ts';
import { JobStop } from './job-failures.ts';

/**
 * Reads the git token a build or task hands to ACR, from the environment's Key Vault, after
 * checking `gitAccessTokens` once more: the configuration may have changed (or the job data
 * been tampered with) since the command was checked and queued. The value only travels to ACR.
 */
export async function readGitToken(
  deps: { environments: Readonly<Record<string, EnvironmentConfig>>; vault: SecretVault },
  environment: string,
  secretName: string,
  repositoryUrl: string,
): Promise<string> {
  const env = Object.hasOwn(deps.environments, environment) ? deps.environments[environment] : undefined;
  const problem = gitTokenProblem(environment, env?.gitAccessTokens, secretName, repositoryUrl);
  if (problem) throw new JobStop(problem.text, problem.hint);
  // The config schema requires a vault wherever git tokens are listed.
  const vaultUrl = env!.keyVaultUrl!;
  const secret = await deps.vault.current(vaultUrl, secretName);
  if (!secret)
    throw new JobStop(
      `Key Vault secret ${secretName} was not found in ${vaultUrl}.`,
      'Put the git personal access token there under that name, then run the command again.',
    );
  return secret.value;
}
