import { ACR_BUILD_FLAGS, parseAcrBuild, type AcrBuildCommand } from './acr-build.ts';
import { ACR_TOKEN_FLAGS, ACR_TOKEN_USAGE, parseAcrToken, type AcrTokenRotateCommand } from './acr-token.ts';
import { ACR_REGISTRY_SUBCOMMANDS, type AcrRegistryCommand } from './acr-registry.ts';
import type { Subcommand } from './subcommand.ts';
import { ACR_BUILD_USAGE } from './usage.ts';

/** Subcommands of `/acr`. */
export const ACR_SUBCOMMANDS: readonly Subcommand<AcrBuildCommand | AcrTokenRotateCommand | AcrRegistryCommand>[] = [
  { name: 'build', usage: ACR_BUILD_USAGE, flags: ACR_BUILD_FLAGS, parse: parseAcrBuild },
  { name: 'token', usage: ACR_TOKEN_USAGE, flags: ACR_TOKEN_FLAGS, parse: parseAcrToken },
  ...ACR_REGISTRY_SUBCOMMANDS,
];
