import { ACR_BUILD_FLAGS, parseAcrBuild, type AcrBuildCommand } from './acr-build.ts';
import type { Subcommand } from './subcommand.ts';
import { ACR_BUILD_USAGE } from './usage.ts';

/** Subcommands of `/acr`. */
export const ACR_SUBCOMMANDS: readonly Subcommand<AcrBuildCommand>[] = [
  { name: 'build', usage: ACR_BUILD_USAGE, flags: ACR_BUILD_FLAGS, parse: parseAcrBuild },
];
