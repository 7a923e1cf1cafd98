import type { AcrBuildCommand } from '../commands/index.ts';
import type { Environment, EnvironmentsConfig } from '../environments.ts';
import { resolveEnvironment } from '../environments.ts';
import { ErrorCode, UserFacingError } from '../errors.ts';
import { newBuildProgress, type BuildJobData } from './build-job.ts';

export interface CommandOrigin {
  jobId: string;
  userId: string;
  teamId: string;
  channelId: string;
  now: Date;
}

/**
 * Why an environment's builds may not go to `registry`, if they may not: only its own
 * `registry` and those its `buildRegistries` lists are allowed (names compared without case, as
 * Azure does), so `-r` cannot reach another team's registry in the same resource group.
 */
export function buildRegistryProblem(
  environment: string,
  env: Pick<Environment, 'registry' | 'buildRegistries'>,
  registry: string,
): { text: string; hint: string } | undefined {
  const allowed = [...(env.registry ? [env.registry] : []), ...env.buildRegistries];
  if (allowed.some((r) => r.toLowerCase() === registry.toLowerCase())) return undefined;
  return {
    text: `Builds in ${environment} may not use registry ${registry}: only ${allowed.join(', ') || 'its own registry'}. Nothing was queued.`,
    hint: `Leave out -r to build into ${env.registry ?? 'the environment’s registry'}, or ask the platform admin to list ${registry} under environments.${environment}.buildRegistries in chatops.yaml.`,
  };
}

/** Turns a parsed `/acr build` into the job's data, resolving environment and registry. */
export function toBuildJobData(cmd: AcrBuildCommand, origin: CommandOrigin, config: EnvironmentsConfig): BuildJobData {
  const { name, env } = resolveEnvironment(config, cmd.environment, origin.channelId);
  const registry = cmd.registry ?? env.registry;
  if (!registry) {
    throw new UserFacingError(ErrorCode.Usage, `Environment "${name}" has no default registry.`, {
      hint: 'Ask the platform admin to set `registry:` for this environment in chatops.yaml (or name one it lists under `buildRegistries` with `-r`).',
    });
  }
  return {
    jobId: origin.jobId,
    requesterId: origin.userId,
    teamId: origin.teamId,
    channelId: origin.channelId,
    environment: name,
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry },
    spec: {
      images: cmd.images,
      file: cmd.file,
      buildArgs: cmd.buildArgs,
      platform: cmd.platform,
      noCache: cmd.noCache,
      ...(cmd.timeoutSeconds !== undefined && { timeoutSeconds: cmd.timeoutSeconds }),
      ...(cmd.target !== undefined && { target: cmd.target }),
      sourceLocation: cmd.source.location,
    },
    ...(cmd.gitTokenSecret !== undefined && { privateSource: { tokenSecret: cmd.gitTokenSecret, repositoryUrl: cmd.source.url } }),
    queuedAt: origin.now.toISOString(),
    progress: newBuildProgress(),
  };
}
