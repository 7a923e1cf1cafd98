import { ACR_BUILD_FLAGS, parseAcrBuild, type AcrBuildCommand } from './acr-build.ts';
import { ACR_ADMIN_SUBCOMMANDS, type AcrAdminCommand } from './acr-admin.ts';
import { ACR_REGISTRY_SUBCOMMANDS, type AcrRegistryCommand } from './acr-registry.ts';
import { ACR_TASK_FLAGS, ACR_TASK_USAGE, parseAcrTask, type AcrTaskCommand } from './acr-task.ts';
import { ACR_TOKEN_FLAGS, ACR_TOKEN_USAGE, parseAcrToken, type AcrTokenCommand } from './acr-token.ts';
import { ACR_PROMOTE_FLAGS, ACR_PROMOTE_USAGE, parseAcrPromote, type AcrPromoteCommand } from './promote.ts';
import type { Subcommand } from './subcommand.ts';
import { ACR_BUILD_USAGE } from './usage.ts';

/** Every parsed `/acr` command. */
export type AcrCommand = AcrBuildCommand | AcrTokenCommand | AcrRegistryCommand | AcrAdminCommand | AcrTaskCommand | AcrPromoteCommand;

/** Subcommands of `/acr`. */
export const ACR_SUBCOMMANDS: readonly Subcommand<AcrCommand>[] = [
  { name: 'build', usage: ACR_BUILD_USAGE, flags: ACR_BUILD_FLAGS, parse: parseAcrBuild },
  { name: 'task', usage: ACR_TASK_USAGE, flags: ACR_TASK_FLAGS, parse: parseAcrTask },
  { name: 'token', usage: ACR_TOKEN_USAGE, flags: ACR_TOKEN_FLAGS, parse: parseAcrToken },
  ...ACR_REGISTRY_SUBCOMMANDS,
  ...ACR_ADMIN_SUBCOMMANDS,
  { name: 'promote', usage: ACR_PROMOTE_USAGE, flags: ACR_PROMOTE_FLAGS, parse: parseAcrPromote },
];
