import { buildCard } from '../../core/build/build-card.ts';
import { newBuildProgress, type BuildJobData } from '../../core/build/build-job.ts';
import type { AcrTaskCommand } from '../../core/commands/acr-task.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, jobHeader, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';

/** `/acr task run --name X`: a `build` job that runs the task and follows it like `/acr build`. */
export async function acrTaskRun(ctx: CommandContext, parsed: Extract<AcrTaskCommand, { kind: 'acr.task.run' }>): Promise<EphemeralReply> {
  const { command } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  if (!env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured.`, { hint: 'Use --env with an environment that has one.' });
  await authorize(ctx, 'acr.task.run', environment, { target: `${env.registry}/${parsed.name}` });
  const { queuedAt, ...header } = jobHeader(ctx, environment);
  const { jobId } = header;
  const data: BuildJobData = {
    ...header,
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry },
    task: { name: parsed.name },
    queuedAt,
    progress: newBuildProgress(),
  };
  await queueJob(ctx, 'build', jobId, data, buildCard(data, { status: 'queued', portal: ctx.portal }), {
    actor: command.user_id,
    action: 'command.acr.task.run',
    outcome: 'accepted',
    environment,
    target: `${env.registry}/${parsed.name}`,
    jobId,
    details: { channel: command.channel_id },
  });
  return ephemeral(
    `:inbox_tray: Run of task *${escapeMrkdwn(parsed.name)}* queued as job \`${jobId}\` in *${escapeMrkdwn(environment)}*. Its card and live log will appear in this channel.`,
  );
}
