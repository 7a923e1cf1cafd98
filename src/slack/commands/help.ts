import { mayRunSomewhere } from '../../core/access/roles.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import type { CommandContext } from './context.ts';

/** Every command line `help` can show, with the action that decides whether you may run it. */
const commandLines: readonly { action: string; line: string }[] = [
  { action: 'acr.build', line: '`/acr build -t REPO:TAG [options] GIT_URL` builds an image with ACR from git.' },
  { action: 'aci.deploy', line: '`/aci create -n NAME --image IMAGE [options]` deploys a container group (approval where required).' },
  { action: 'aci.restart', line: '`/aci restart|stop|start|delete -n NAME` changes a container group.' },
  { action: 'aci.promote', line: '`/aci promote -n NAME --from ENV --to ENV` promotes the digest running in one environment to another (import by digest, then a deploy with the target’s approval).' },
  { action: 'acr.promote', line: '`/acr promote --image REPO:TAG --from ENV --to ENV` copies a tag’s digest into another environment’s registry.' },
  { action: 'aci.show', line: '`/aci show|logs -n NAME`, `/aci list` look at container groups.' },
  { action: 'acr.runs', line: '`/acr show`, `/acr runs`, `/acr logs RUN_ID`, `/acr repository list|show-tags REPO`, `/acr replication list` look at the registry.' },
  { action: 'acr.task.create', line: '`/acr task create|run|delete --name NAME …` ACR Tasks that rebuild on every commit; `/acr task list|show` to look.' },
  { action: 'acr.task.subscribe', line: '`/acr task subscribe|unsubscribe --name NAME [--channel #C]` announces a task’s runs (pushes, triggers) in a channel and follows them.' },
  { action: 'acr.replication.create', line: '`/acr update --admin-enabled false`, `/acr replication create|delete --location L` change the registry.' },
  { action: 'acr.token.rotate', line: '`/acr token create|list|rotate --name TOKEN` registry tokens; passwords live in Key Vault.' },
  { action: 'sp.rotate', line: '`/sp expiring [--days N]`, `/sp list`, `/sp show --app A`, `/sp rotate --app A` client secrets: expiry and rotation.' },
  { action: 'ops.job', line: '`/ops job JOB_ID` shows the state of a job.' },
  { action: 'ops.whoami', line: '`/ops whoami` shows your roles in each environment.' },
  { action: 'ops.audit', line: '`/ops audit [--user @x] [--env E] [--since 24h] [--action A]` reads the audit log.' },
];

/**
 * Help for the command asked about, or the list of commands this user may run anywhere.
 * `usage` is the parser's usage text for a specific command.
 */
export async function help(ctx: CommandContext, topic: string, usage: string): Promise<EphemeralReply> {
  if (topic !== '/ops') return ephemeral(escapeMrkdwn(usage));
  const roles = await ctx.policy.rolesOf(ctx.command.user_id, ctx.command.team_id);
  const mine = commandLines.filter((c) => mayRunSomewhere(roles, c.action)).map((c) => c.line);
  const hidden = commandLines.length - mine.length;
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
