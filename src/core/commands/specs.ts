import { ACI_SPECS } from './aci/index.ts';
import { ACI_USAGE } from './aci/usage.ts';
import { ACR_SPECS } from './acr.ts';
import { OPS_SPECS } from './ops.ts';
import type { CommandSpec, SlashCommandName } from './spec.ts';
import { SP_SPECS, SP_USAGE } from './sp.ts';
import { ACR_USAGE, OPS_USAGE } from './usage.ts';

/**
 * Every subcommand of every slash command, in the order help lists them. Adding a subcommand
 * is adding its spec to its command's list: parsing, dispatch, help and the role table follow.
 */
export const COMMAND_SPECS: readonly CommandSpec[] = [...ACR_SPECS, ...ACI_SPECS, ...SP_SPECS, ...OPS_SPECS];

/** The spec of an access action (`acr.replication.show`), if a slash command has it. */
export function specOf(action: string): CommandSpec | undefined {
  return COMMAND_SPECS.find((spec) => spec.action === action);
}

/** Everything the bot understands, for `/ops help` and unknown slash commands: every spec's help line, once. */
export function helpText(): string {
  const lines = [...new Set(COMMAND_SPECS.map((spec) => spec.help))];
  return ['Commands:', ...lines, 'Add `help` to any command for its options, e.g. `/acr build help`.'].join('\n');
}

/** A slash command's own usage: shown under errors about the command as a whole, and for `/x help`. */
export const SLASH_COMMAND_USAGE: Readonly<Record<SlashCommandName, { usage: string; help: () => string }>> = {
  '/acr': { usage: ACR_USAGE, help: () => ACR_USAGE },
  '/aci': { usage: ACI_USAGE, help: () => ACI_USAGE },
  '/sp': { usage: SP_USAGE, help: () => SP_USAGE },
  // `/ops` is the bot's own command, so its help lists everything the bot understands.
  '/ops': { usage: OPS_USAGE, help: helpText },
};
