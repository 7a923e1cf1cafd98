import { buildCard } from '../../core/build/build-card.ts';
import { buildRegistryProblem, toBuildJobData } from '../../core/build/build-request.ts';
import type { AcrBuildCommand } from '../../core/commands/index.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';
import { checkGitToken } from './git-token-check.ts';
import { queueJob } from './queue-job.ts';

/** `/acr build`: authorise in the target environment, audit, queue the job and its card. */
export async function acrBuild(ctx: CommandContext, parsed: AcrBuildCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const data = toBuildJobData(parsed, { jobId, userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, now: ctx.now() }, ctx.config);
  await authorize(ctx, 'acr.build', data.environment, { target: data.target.registry });
  const problem = buildRegistryProblem(data.environment, ctx.config.environments[data.environment]!, data.target.registry);
  if (problem) {
    await ctx.audit.record({
      actor: command.user_id,
      action: 'command.acr.build',
      outcome: 'refused',
      reason: 'policy: registry not allowed in this environment',
      environment: data.environment,
      target: data.target.registry,
    });
    throw new UserFacingError(ErrorCode.PolicyViolation, problem.text, { hint: problem.hint });
  }
  if (parsed.gitTokenSecret !== undefined) {
    const { env } = resolveEnvironment(ctx.config, data.environment, command.channel_id);
    await checkGitToken(ctx, 'acr.build', data.environment, env, parsed.gitTokenSecret, parsed.source.url, data.target.registry);
  }
  const card = buildCard(data, { status: 'queued', portal: ctx.portal });
  await queueJob(ctx, 'build', jobId, data, card, {
    actor: command.user_id,
    action: 'command.acr.build',
    outcome: 'accepted',
    environment: data.environment,
    target: `${data.target.registry}: ${data.spec!.images.join(', ')}`,
    jobId,
    details: { source: data.spec!.sourceLocation, channel: command.channel_id, ...(data.privateSource && { gitTokenName: data.privateSource.tokenSecret }) },
  });
  // No separate log line: the audit record is logged as one JSON line already.
  return ephemeral(`:inbox_tray: Build queued as job \`${jobId}\` in *${escapeMrkdwn(data.environment)}*. Its card and live log will appear in this channel.`);
}
