import type { EnvironmentConfig } from '../src/config/file.ts';
import { CONFIRM_WINDOW_MS } from '../src/core/approval/approvals.ts';
import type { DeployJobData, DeployPlan, Replacement } from '../src/core/deploy/deploy-job.ts';
import { registryProblem } from '../src/core/deploy/deploy-policy.ts';
import { describeChange, immutableChanges } from '../src/core/deploy/immutable-changes.ts';
import type { ContainerGroups, RegistryTags, SecretReader } from '../src/core/deploy/ports.ts';
import { SecretNotFoundError } from '../src/core/deploy/secret-not-found.ts';
import { JobStop } from './job-failures.ts';

/** What planning a deploy reads: the registry (to pin the digest), Key Vault and the live group. */
export interface DeployPlanDeps {
  aci: ContainerGroups;
  secrets: SecretReader;
  registryTags: RegistryTags;
  environments: Readonly<Record<string, EnvironmentConfig>>;
}

export function envOf(deps: Pick<DeployPlanDeps, 'environments'>, data: DeployJobData): EnvironmentConfig {
  const env = deps.environments[data.environment];
  if (!env) throw new JobStop(`Environment ${data.environment} is no longer configured.`, 'Ask the platform admin; nothing was deployed.');
  return env;
}

function envRegistry(env: EnvironmentConfig) {
  return env.registry ? { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry } : undefined;
}

/** Pins the image: a tag of the environment's registry becomes `loginServer/repo@digest`. */
export async function resolveImage(deps: DeployPlanDeps, data: DeployJobData, env: EnvironmentConfig): Promise<{ loginServer: string; digest: string }> {
  const { image } = data.request;
  const registryRef = envRegistry(env);
  const envServer = registryRef ? await deps.registryTags.loginServer(registryRef) : undefined;
  const server = image.registry ?? envServer;
  if (server === undefined) {
    throw new JobStop(
      `${data.environment} has no registry configured, so ${image.text} cannot be resolved.`,
      'Give the full image name with its registry and digest, e.g. myreg.azurecr.io/web@sha256:…',
    );
  }
  const problem = registryProblem(data.environment, env, server);
  if (problem) throw new JobStop(problem.text, problem.hint);
  if (image.digest !== undefined) return { loginServer: server, digest: image.digest };
  if (!registryRef || server.toLowerCase() !== envServer?.toLowerCase()) {
    throw new JobStop(
      `I can only pin tags of ${data.environment}'s registry (${envServer ?? 'none'}) to a digest, not tags of ${server}.`,
      `Give the image by digest instead: ${server}/${image.repository}@sha256:…`,
    );
  }
  return deps.registryTags.resolveDigest(registryRef, image.repository, image.tag ?? 'latest');
}

export function pullOf(env: EnvironmentConfig, loginServer: string, envServer: string | undefined): DeployPlan['pull'] {
  const creds = env.registryCredentials;
  // Credentials are for the environment's own registry; other (allowed) registries are pulled anonymously.
  if (!creds || (envServer !== undefined && loginServer.toLowerCase() !== envServer.toLowerCase())) return { none: true };
  return 'identity' in creds ? { identity: creds.identity } : { username: creds.username, passwordSecret: creds.passwordSecret };
}

/** Reads every secret the plan needs; fails (before any change in Azure) when one is missing. */
export async function readSecrets(
  deps: DeployPlanDeps,
  data: DeployJobData,
  env: EnvironmentConfig,
  plan: DeployPlan,
): Promise<{ env: Map<string, string>; pullPassword?: string }> {
  const needed = plan.secureEnvironmentVariables.length > 0 || 'passwordSecret' in plan.pull;
  if (!needed) return { env: new Map() };
  if (!env.keyVaultUrl)
    throw new JobStop(
      `${data.environment} has no keyVaultUrl configured, so secure values cannot be read.`,
      'Ask the platform admin to set keyVaultUrl for this environment; nothing was deployed.',
    );
  const vault = env.keyVaultUrl;
  try {
    const values = await Promise.all(plan.secureEnvironmentVariables.map(async (v) => [v.name, await deps.secrets.getSecret(vault, v.secretName)] as const));
    const pullPassword = 'passwordSecret' in plan.pull ? await deps.secrets.getSecret(vault, plan.pull.passwordSecret) : undefined;
    return { env: new Map(values), ...(pullPassword !== undefined && { pullPassword }) };
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
    throw new JobStop(
      `${err.message} Nothing was deployed.`,
      `Create the secret in that vault (az keyvault secret set --vault-name … --name ${err.secretName}) or fix the @kv: name, then run /aci create again.`,
    );
  }
}

/**
 * Whether deploying this request replaces the live group: ACI cannot change some properties in
 * place, and a deploy that follows ARM's refusal of an in-place update (`replaceOf`) replaces it
 * whatever the comparison finds. No live group: a plain create.
 */
export async function replacementOf(deps: Pick<DeployPlanDeps, 'aci'>, data: DeployJobData, draft: DeployPlan): Promise<Replacement | undefined> {
  const live = await deps.aci.find(data.target);
  if (!live) return undefined;
  const changes = immutableChanges(live, draft);
  return changes.length > 0 || data.replaceOf !== undefined ? { changes } : undefined;
}

/** Who must agree before a plan runs: the environment's approvers, or for a replacement at least the requester. */
export function approvalFor(data: DeployJobData, plan: DeployPlan): DeployJobData['approval'] {
  if (data.approval || !plan.replaces) return data.approval;
  if (data.requesterId === 'system') {
    // A redeploy the bot started itself (a credential rotation's consumer): nobody to confirm it.
    throw new JobStop(
      `Redeploying ${data.target.name} would replace it (delete, then create): ${plan.replaces.changes.map(describeChange).join('; ') || 'Azure cannot update it in place'}. I do not do that unasked.`,
      'Redeploy it yourself with /aci create (you will be asked to confirm the replacement), then retry.',
    );
  }
  return { mode: 'confirm', required: 1, expiresAfterMs: CONFIRM_WINDOW_MS };
}

/** The login server of the environment's own registry, when it has one. */
export async function envLoginServer(deps: Pick<DeployPlanDeps, 'registryTags'>, env: EnvironmentConfig): Promise<string | undefined> {
  const ref = envRegistry(env);
  return ref ? deps.registryTags.loginServer(ref) : undefined;
}
