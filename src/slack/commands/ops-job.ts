import type { OpsJobCommand } from '../../core/commands/index.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import { ephemeral, errorReply, threadLink, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';

/** `/ops job <id>`: a job's state and thread, for viewers of the job's environment. */
export async function opsJob(ctx: CommandContext, parsed: OpsJobCommand): Promise<EphemeralReply> {
  const { jobId } = parsed;
  const job = await ctx.jobs.get(jobId);
  const data = job?.data as { environment?: string; requesterId?: string; progress?: { phase?: string; runId?: string; outcome?: string } } | undefined;
  // Authorised against the job's environment; an unknown job still needs some viewer role, so
  // the answer "not found" does not tell outsiders which ids exist.
  await authorize(ctx, 'ops.job', data?.environment ?? ctx.config.defaultEnvironment, { jobId });
  if (!job || !data) return errorReply(`I can't find job ${jobId}.`, 'Job ids look like j0abc12def345; finished jobs are kept for 7 days.');
  const thread = await ctx.outbox.thread(jobId);
  const lines = [
    `*Job* \`${jobId}\` (${escapeMrkdwn(job.kind)}) is *${job.state}*${data.progress?.phase ? `, step ${escapeMrkdwn(data.progress.phase)}` : ''}.`,
    data.environment ? `Environment: *${escapeMrkdwn(data.environment)}*` : '',
    data.requesterId ? `Requested by ${mention(data.requesterId).mrkdwn}` : '',
    data.progress?.outcome ? `Outcome: *${escapeMrkdwn(data.progress.outcome)}*` : '',
    data.progress?.runId ? `ACR run: \`${escapeMrkdwn(data.progress.runId)}\`` : '',
    thread?.threadTs ? `Thread: ${threadLink(ctx.command.team_domain, thread.channelId, thread.threadTs)}` : '',
    job.failedReason ? `Last error: ${escapeMrkdwn(job.failedReason)}` : '',
  ];
  return ephemeral(lines.filter(Boolean).join('\n'));
}
