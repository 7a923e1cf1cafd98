/**
 * Pure parsers for slash-command text: Slack text → a typed command, or a UsageError with the
 * usage to show, driven by one spec per subcommand (`specs.ts`). No I/O; the Slack layer
 * escapes and renders the results.
 */
export { parseAcrBuild, ACR_BUILD_FLAGS, ACR_TIMEOUT_SECONDS, type AcrBuildCommand } from './acr-build.ts';
export { ACR_SPECS } from './acr.ts';
export { UsageError } from './errors.ts';
export { parseFlags, wantsHelp, type FlagKind, type FlagSpec, type FlagValue, type FlagValues, type KeyValue, type ParsedFlags } from './flags.ts';
export { parseGitSource, type GitSource } from './git-source.ts';
export {
  OPS_SPECS,
  JOB_ID_PATTERN,
  parseOpsJob,
  parseOpsAudit,
  parseOpsWhoami,
  type OpsCommand,
  type OpsJobCommand,
  type OpsAuditCommand,
  type OpsWhoamiCommand,
} from './ops.ts';
export { parseAci, parseCommand, routeCommand, MAX_COMMAND_TEXT_LENGTH, type Routed, type HelpCommand, type ParsedCommand } from './parse-command.ts';
export { DEFAULT_PLATFORM, parsePlatform, type Platform } from './platform.ts';
export { unescapeSlackText } from './slack-text.ts';
export { defineCommand, SLASH_COMMANDS, type AcrQuerySpec, type CommandSpec, type SlashCommandName } from './spec.ts';
export { COMMAND_SPECS, helpText, specOf } from './specs.ts';
export { tokenize } from './tokenize.ts';
export { ACR_BUILD_USAGE, ACR_USAGE, OPS_JOB_USAGE, OPS_USAGE } from './usage.ts';
