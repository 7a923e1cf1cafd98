import { ACR_BUILD_SPECS, type AcrBuildCommand } from './acr-build.ts';
import { ACR_ADMIN_SPECS, type AcrAdminCommand } from './acr-admin.ts';
import { ACR_REGISTRY_SPECS, type AcrRegistryCommand } from './acr-registry.ts';
import { ACR_TASK_SPECS, type AcrTaskCommand } from './acr-task.ts';
import { ACR_TASK_SUBSCRIBE_SPECS, type AcrTaskSubscriptionCommand } from './acr-task-subscribe.ts';
import { ACR_TOKEN_SPECS, type AcrTokenCommand } from './acr-token.ts';
import { ACR_PROMOTE_SPEC, type AcrPromoteCommand } from './promote.ts';

/** Every parsed `/acr` command. */
export type AcrCommand =
  | AcrBuildCommand
  | AcrTokenCommand
  | AcrRegistryCommand
  | AcrAdminCommand
  | AcrTaskCommand
  | AcrTaskSubscriptionCommand
  | AcrPromoteCommand;

/** Subcommands of `/acr`, in the order help and "Start with a subcommand" list them. */
export const ACR_SPECS = [
  ...ACR_BUILD_SPECS,
  ...ACR_TASK_SPECS,
  ...ACR_TASK_SUBSCRIBE_SPECS,
  ...ACR_TOKEN_SPECS,
  ...ACR_REGISTRY_SPECS,
  ...ACR_ADMIN_SPECS,
  ACR_PROMOTE_SPEC,
];
