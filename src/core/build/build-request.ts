import type { AcrBuildCommand } from '../commands/index.ts';
import type { EnvironmentsConfig } from '../environments.ts';
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

/** Turns a parsed `/acr build` into the job's data, resolving environment and registry. */
export function toBuildJobData(cmd: AcrBuildCommand, origin: CommandOrigin, config: EnvironmentsConfig): BuildJobData {
  const { name, env } = resolveEnvironment(config, cmd.environment, origin.channelId);
  const registry = cmd.registry ?? env.registry;
  if (!registry) {
    throw new UserFacingError(ErrorCode.Usage, `Environment "${name}" has no default registry.`, {
      hint: 'Name one with `-r <registry>`, or ask the platform admin to set `registry:` for this environment in chatops.yaml.',
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
