import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';

/** `/ops whoami`: your roles in each environment, and who grants more. */
export async function opsWhoami(ctx: CommandContext): Promise<EphemeralReply> {
  await authorize(ctx, 'ops.whoami');
  const { command } = ctx;
  const roles = await ctx.policy.rolesOf(command.user_id, command.team_id);
  const envs = Object.keys(ctx.config.environments);
  const lines = envs.map((env) => {
    const mine = roles[env] ?? [];
    return `• *${escapeMrkdwn(env)}*: ${mine.length ? mine.map(escapeMrkdwn).join(', ') : '_no roles_'}`;
  });
  return ephemeral(
    `Your roles, ${mention(command.user_id).mrkdwn}:\n${lines.join('\n')}\nRoles come from \`access.roles\` in chatops.yaml; the bot admins can change them.`,
  );
}
