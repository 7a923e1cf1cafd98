import { buildCard } from '../../core/build/build-card.ts';
import { toBuildJobData } from '../../core/build/build-request.ts';
import type { AcrBuildCommand } from '../../core/commands/index.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';

/** `/acr build`: authorise in the target environment, audit, queue the job and its card. */
export async function acrBuild(ctx: CommandContext, parsed: AcrBuildCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const data = toBuildJobData(parsed, { jobId, userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, now: ctx.now() }, ctx.config);
  await authorize(ctx, 'acr.build', data.environment, { target: data.target.registry });
  const card = buildCard(data, { status: 'queued', portal: ctx.portal });
  await queueJob(ctx, 'build', jobId, data, card, {
    actor: command.user_id,
    action: 'command.acr.build',
    outcome: 'accepted',
    environment: data.environment,
    target: `${data.target.registry}: ${data.spec!.images.join(', ')}`,
    jobId,
    details: { source: data.spec!.sourceLocation, channel: command.channel_id },
  });
  // No separate log line: the audit record is logged as one JSON line already.
  return ephemeral(`:inbox_tray: Build queued as job \`${jobId}\` in *${escapeMrkdwn(data.environment)}*. Its card and live log will appear in this channel.`);
}
