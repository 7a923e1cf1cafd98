import type { OpsJobCommand } from '../../core/commands/index.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import type { QueryAnswer } from '../../core/query-answer.ts';
import { renderAnswer } from '../render/answer-blocks.ts';
import { errorReply, threadLink, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';

/**
 * `/ops job <id>`: a job's state and thread, for viewers of the job's environment. Answered in
 * the ack, to the asker alone, with Share in channel.
 */
export async function opsJob(ctx: CommandContext, parsed: OpsJobCommand): Promise<EphemeralReply> {
  const { jobId } = parsed;
  const { command } = ctx;
  const job = await ctx.jobs.get(jobId);
  const data = job?.data as { environment?: string; requesterId?: string; progress?: { phase?: string; runId?: string; outcome?: string } } | undefined;
  // Authorised against the job's environment; an unknown job still needs some viewer role, so
  // the answer "not found" does not tell outsiders which ids exist. A job of no environment
  // (rotations, scans: tenant-wide credential work) is for admins only.
  const environment = data?.environment ?? ctx.config.defaultEnvironment;
  if (job && data && data.environment === undefined) await authorize(ctx, 'ops.job.unscoped', undefined, { jobId });
  else await authorize(ctx, 'ops.job', environment, { jobId });
  if (!job || !data) return errorReply(`I can't find job ${jobId}.`, 'Job ids look like j0abc12def345; finished jobs are kept for 7 days.');
  const thread = await ctx.outbox.thread(jobId);
  const lines = [
    `\`${jobId}\` (${escapeMrkdwn(job.kind)}) is *${job.state}*${data.progress?.phase ? `, step ${escapeMrkdwn(data.progress.phase)}` : ''}.`,
    data.requesterId ? `Requested by ${mention(data.requesterId).mrkdwn}` : '',
    data.progress?.outcome ? `Outcome: *${escapeMrkdwn(data.progress.outcome)}*` : '',
    data.progress?.runId ? `ACR run: \`${escapeMrkdwn(data.progress.runId)}\`` : '',
    thread?.threadTs ? `Thread: ${threadLink(command.team_domain, thread.channelId, thread.threadTs)}` : '',
    job.failedReason ? `Last error: ${escapeMrkdwn(job.failedReason)}` : '',
  ];
  const answer: QueryAnswer = { title: `Job ${jobId}`, environment, summary: { mrkdwn: lines.filter(Boolean).join('\n') } };
  const answerId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const shareable = await ctx.answers
    .put(answerId, {
      answer,
      asker: { userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, action: 'ops.job' },
      at: ctx.now().toISOString(),
    })
    .then(
      () => true,
      // The answer matters more than its Share button.
      (err: unknown) => {
        ctx.logger.warn({ err, jobId }, 'could not keep the answer for sharing');
        return false;
      },
    );
  return {
    response_type: 'ephemeral',
    ...renderAnswer(answer, { placement: { kind: 'inline' }, footer: 'Only you can see this.', ...(shareable && { shareId: answerId }) }),
  };
}
