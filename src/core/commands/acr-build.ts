import {
  parseBuildArgName,
  parseBuildArgValue,
  parseDockerfilePath,
  parseEnvironmentName,
  parseImageName,
  parseRegistryName,
  parseStageName,
} from './acr-names.ts';
import { UsageError } from './errors.ts';
import { parseFlags, type FlagSpec } from './flags.ts';
import { parseGitSource, parseGitTokenReference, type GitSource } from './git-source.ts';
import { DEFAULT_PLATFORM, parsePlatform, type Platform } from './platform.ts';
import { quoted } from './quoted.ts';
import { ACR_BUILD_USAGE } from './usage.ts';
import { role } from '../access/requirement.ts';
import { defineCommand } from './spec.ts';
import { HELP_LINES } from './help-lines.ts';

export type { GitSource } from './git-source.ts';

/** A parsed `/acr build`: an ACR quick build (DockerBuildRequest) from a git source. */
export interface AcrBuildCommand {
  kind: 'acr.build';
  /** Registry name (lowercase); absent means the environment's registry. */
  registry?: string;
  /** Image references `repo[:tag]`, at least one, in the order given, without duplicates. */
  images: string[];
  /** Dockerfile path inside the build context. @defaultValue 'Dockerfile' */
  file: string;
  buildArgs: { name: string; value: string }[];
  /** @defaultValue linux/amd64 */
  platform: Platform;
  noCache: boolean;
  /** Run timeout, 300–28800 s; absent means ACR's default of 3600 s. */
  timeoutSeconds?: number;
  /** Dockerfile stage to build. */
  target?: string;
  /** Environment named with `--env`; absent means the channel's or the default. */
  environment?: string;
  source: GitSource;
  /** Key Vault secret holding a git token for a private repository (`--git-access-token @kv:NAME`). */
  gitTokenSecret?: string;
}

/** Flags of `/acr build`, named as in `az acr build`. */
export const ACR_BUILD_FLAGS = [
  { name: 'registry', short: 'r', kind: 'string', valueName: 'REGISTRY' },
  { name: 'image', short: 't', kind: 'string', repeatable: true, valueName: 'REPO:TAG' },
  { name: 'file', short: 'f', kind: 'string', valueName: 'DOCKERFILE' },
  { name: 'build-arg', kind: 'keyValue', repeatable: true, valueName: 'KEY=VALUE' },
  { name: 'platform', kind: 'string', valueName: 'OS/ARCH' },
  { name: 'no-cache', kind: 'boolean' },
  { name: 'timeout', kind: 'integer', valueName: 'SECONDS' },
  { name: 'env', kind: 'string', valueName: 'ENVIRONMENT' },
  { name: 'target', kind: 'string', valueName: 'STAGE' },
  { name: 'git-access-token', kind: 'string', valueName: '@kv:SECRET-NAME' },
] as const satisfies readonly FlagSpec[];

/** ACR's limits on a run's timeout (DockerBuildRequest.timeout). */
export const ACR_TIMEOUT_SECONDS = { min: 300, max: 28800 } as const;

/**
 * Parses the words after `/acr build`.
 *
 * @throws UsageError (with the `/acr build` usage) for any mistake.
 */
export function parseAcrBuild(tokens: string[]): AcrBuildCommand {
  const usage = ACR_BUILD_USAGE;
  const { values, positionals } = parseFlags(tokens, ACR_BUILD_FLAGS, usage);

  if (positionals.length === 0) {
    throw new UsageError('Give the git URL to build from, e.g. https://github.com/org/app.git#main.', usage);
  }
  if (positionals.length > 1) {
    const shown = positionals.slice(0, 3).map(quoted).join(', ');
    throw new UsageError(
      `Give exactly one git URL, not ${positionals.length} (${shown}${positionals.length > 3 ? ', …' : ''}); quote values that contain spaces.`,
      usage,
    );
  }
  const images = values.image ?? [];
  if (images.length === 0) throw new UsageError('Name the image to build with -t REPO:TAG, e.g. -t web:v1.', usage);

  const command: AcrBuildCommand = {
    kind: 'acr.build',
    images: [...new Set(images.map((image) => parseImageName(image, usage)))],
    file: values.file === undefined ? 'Dockerfile' : parseDockerfilePath(values.file, usage),
    buildArgs: parseBuildArgs(values['build-arg'] ?? [], usage),
    platform: values.platform === undefined ? { ...DEFAULT_PLATFORM } : parsePlatform(values.platform, usage),
    noCache: values['no-cache'] ?? false,
    source: parseGitSource(positionals[0]!, usage),
  };
  // Optional keys are set only when given: job data is JSON and `undefined` would not round-trip.
  if (values.registry !== undefined) command.registry = parseRegistryName(values.registry, usage);
  if (values.timeout !== undefined) command.timeoutSeconds = checkTimeout(values.timeout, usage);
  if (values.target !== undefined) command.target = parseStageName(values.target, usage);
  if (values.env !== undefined) command.environment = parseEnvironmentName(values.env, usage);
  if (values['git-access-token'] !== undefined) command.gitTokenSecret = parseGitTokenReference(values['git-access-token'], usage);
  return command;
}

export function parseBuildArgs(pairs: readonly { key: string; value: string }[], usage: string): { name: string; value: string }[] {
  const seen = new Set<string>();
  return pairs.map(({ key, value }) => {
    const name = parseBuildArgName(key, usage);
    // Docker would silently keep the last one; a chat command is clearer refusing the clash.
    if (seen.has(name)) throw new UsageError(`--build-arg ${name} was given more than once; give each name once.`, usage);
    seen.add(name);
    return { name, value: parseBuildArgValue(name, value, usage) };
  });
}

export function checkTimeout(seconds: number, usage: string): number {
  const { min, max } = ACR_TIMEOUT_SECONDS;
  if (seconds < min || seconds > max) {
    throw new UsageError(`--timeout must be between ${min} and ${max} seconds (ACR's limits), not ${seconds}.`, usage);
  }
  return seconds;
}

/** `/acr build`, declared once. */
export const ACR_BUILD_SPECS = [
  defineCommand({
    command: '/acr',
    words: ['build'],
    flags: ACR_BUILD_FLAGS,
    usage: ACR_BUILD_USAGE,
    help: HELP_LINES.build,
    action: 'acr.build',
    requires: role('builder', 'start builds'),
    parse: parseAcrBuild,
  }),
];
