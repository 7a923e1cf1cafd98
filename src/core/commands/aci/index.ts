/**
 * `/aci`: Azure Container Instances container groups, mirroring `az container`. Pure parsers:
 * words after `/aci <subcommand>` → a typed command or a UsageError; `parseCommand` routes.
 */
import { role, type RoleRequirement } from '../../access/requirement.ts';
import { defineCommand } from '../spec.ts';
import { HELP_LINES } from '../help-lines.ts';
import { ACI_CREATE_FLAGS, parseAciCreate, type AciCreateCommand } from './create.ts';
import {
  ACI_LIFECYCLE_FLAGS,
  ACI_LIST_FLAGS,
  ACI_LOGS_FLAGS,
  parseAciLifecycle,
  parseAciList,
  parseAciLogs,
  type AciLifecycleCommand,
  type AciListCommand,
  type AciLogsCommand,
} from './lifecycle.ts';
import { ACI_PROMOTE_SPEC, type AciPromoteCommand } from '../promote.ts';
import { ACI_CREATE_USAGE, ACI_LIFECYCLE_VERBS, ACI_LIST_USAGE, ACI_LOGS_USAGE, aciLifecycleUsage, type AciLifecycleVerb } from './usage.ts';

export { ACI_CREATE_FLAGS, parseAciCreate, type AciCreateCommand } from './create.ts';
export { KEY_VAULT_PREFIX, type AciEnvironmentVariable, type AciSecureEnvironmentVariable } from './env-vars.ts';
export {
  ACI_LIFECYCLE_FLAGS,
  ACI_LIST_FLAGS,
  ACI_LOGS_FLAGS,
  parseAciLifecycle,
  parseAciList,
  parseAciLogs,
  type AciLifecycleCommand,
  type AciListCommand,
  type AciLogsCommand,
} from './lifecycle.ts';
export { ACI_CREATE_USAGE, ACI_LIFECYCLE_VERBS, ACI_LIST_USAGE, ACI_LOGS_USAGE, ACI_USAGE, aciLifecycleUsage, type AciLifecycleVerb } from './usage.ts';
export { MAX_TAIL_LINES } from './values.ts';

/** Every action `/aci` can produce (help requests aside). */
export type AciCommand = AciCreateCommand | AciLifecycleCommand | AciLogsCommand | AciListCommand | AciPromoteCommand;

const LIFECYCLE_REQUIRES: Readonly<Record<AciLifecycleVerb, RoleRequirement>> = {
  show: role('viewer', 'see container groups'),
  restart: role('deployer', 'restart container groups'),
  stop: role('deployer', 'stop container groups'),
  start: role('deployer', 'start container groups'),
  delete: role('deployer', 'delete container groups'),
};

/** Subcommands of `/aci`, in the order help lists them. */
export const ACI_SPECS = [
  // One name per feature: `/aci create` is the `aci.deploy` action, as its audit records and roles say.
  defineCommand({
    command: '/aci',
    words: ['create'],
    aliases: ['deploy'],
    flags: ACI_CREATE_FLAGS,
    usage: ACI_CREATE_USAGE,
    help: HELP_LINES.aciDeploy,
    action: 'aci.deploy',
    requires: role('deployer', 'deploy containers'),
    parse: parseAciCreate,
  }),
  ...ACI_LIFECYCLE_VERBS.map((verb) =>
    defineCommand({
      command: '/aci',
      words: [verb],
      flags: ACI_LIFECYCLE_FLAGS,
      usage: aciLifecycleUsage(verb),
      help: verb === 'show' ? HELP_LINES.aciLook : HELP_LINES.aciChange,
      action: `aci.${verb}`,
      requires: LIFECYCLE_REQUIRES[verb],
      parse: (tokens: string[]) => parseAciLifecycle(verb, tokens),
    }),
  ),
  defineCommand({
    command: '/aci',
    words: ['logs'],
    flags: ACI_LOGS_FLAGS,
    usage: ACI_LOGS_USAGE,
    help: HELP_LINES.aciLook,
    action: 'aci.logs',
    requires: role('viewer', 'read container logs'),
    parse: parseAciLogs,
  }),
  defineCommand({
    command: '/aci',
    words: ['list'],
    flags: ACI_LIST_FLAGS,
    usage: ACI_LIST_USAGE,
    help: HELP_LINES.aciLook,
    action: 'aci.list',
    requires: role('viewer', 'list container groups'),
    runsBare: true,
    parse: parseAciList,
  }),
  ACI_PROMOTE_SPEC,
];
