import { removalApproval } from '../../core/approval/approvals.ts';
import type { AciLifecycleCommand, AciListCommand, AciLogsCommand } from '../../core/commands/aci/index.ts';
import { aciActionCard, aciActionVerbs } from '../../core/deploy/aci-action-card.ts';
import { isReadOnlyAciOp, type AciActionJobData, type AciActionOp } from '../../core/deploy/aci-action-job.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';
import { lookingUp, queueJob, queueQuery } from './queue-job.ts';

/**
 * `/aci show|logs|list|restart|stop|start|delete`: authorise, then queue an `aci-action` job.
 * `show`, `logs` and `list` answer the requester alone; changes get a card in the channel.
 */
export async function aciLifecycle(ctx: CommandContext, parsed: AciLifecycleCommand | AciLogsCommand | AciListCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const op = parsed.kind.slice('aci.'.length) as AciActionOp;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  const name = 'name' in parsed ? parsed.name : '';
  await authorize(ctx, `aci.${op}`, environment, { target: name || env.resourceGroup });
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const data: AciActionJobData = {
    jobId,
    op,
    requesterId: command.user_id,
    teamId: command.team_id,
    channelId: command.channel_id,
    environment,
    queuedAt: ctx.now().toISOString(),
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name },
    ...(parsed.kind === 'aci.logs' && parsed.tail !== undefined && { tail: parsed.tail }),
    ...(parsed.kind === 'aci.logs' && parsed.containerName !== undefined && { containerName: parsed.containerName }),
    ...(op === 'delete' && { approval: removalApproval(env.approval) }),
    progress: { phase: 'new' },
  };
  const audit = {
    actor: command.user_id,
    action: `command.aci.${op}`,
    outcome: 'accepted' as const,
    environment,
    target: name || env.resourceGroup,
    jobId,
    details: { channel: command.channel_id },
  };
  if (isReadOnlyAciOp(op)) {
    await queueQuery(ctx, 'aci-action', jobId, { ...data, responseUrl: command.response_url }, audit);
    const what = op === 'list' ? `the container groups of ${env.resourceGroup}` : op === 'logs' ? `the logs of ${name}` : name;
    return ephemeral(lookingUp(what, environment, jobId));
  }
  await queueJob(ctx, 'aci-action', jobId, data, aciActionCard(data, { status: 'queued', portal: ctx.portal }), audit);
  const next = op === 'delete' ? (env.approval ? ' It waits for approval on its card.' : ' Confirm it on its card.') : ' Progress appears on its card.';
  return ephemeral(`:inbox_tray: ${aciActionVerbs[op]} *${escapeMrkdwn(name)}* in *${escapeMrkdwn(environment)}*: queued as job \`${jobId}\`.${next}`);
}
