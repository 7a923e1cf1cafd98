import { mayRunSomewhere } from '../../core/access/roles.ts';
import { COMMAND_SPECS } from '../../core/commands/specs.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import type { CommandContext } from './context.ts';

/**
 * Help for the command asked about, or the help lines (from the command specs) of what this
 * user may run somewhere. `usage` is the parser's usage text for a specific command.
 */
export async function help(ctx: CommandContext, topic: string, usage: string): Promise<EphemeralReply> {
  if (topic !== '/ops') return ephemeral(escapeMrkdwn(usage));
  const roles = await ctx.policy.rolesOf(ctx.command.user_id, ctx.command.team_id);
  const lines = [...new Set(COMMAND_SPECS.map((spec) => spec.help))];
  const mine = lines.filter((line) => COMMAND_SPECS.some((spec) => spec.help === line && mayRunSomewhere(roles, spec.action)));
  const hidden = lines.length - mine.length;
  return ephemeral(
    [
      'Commands you can run:',
      ...mine,
      'Lookups (show, list, logs, runs…) answer only you; their *Share in channel* button shows the answer to everyone. Changes get a card in the channel.',
      'Add `help` to any command for its options, e.g. `/acr build help`.',
      ...(hidden > 0 ? [`(${hidden} more need roles you don't have; \`/ops whoami\` shows yours.)`] : []),
    ].join('\n'),
  );
}
