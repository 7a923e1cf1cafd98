import type { App, SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import { buildCard } from '../../core/build/build-card.ts';
import { toBuildJobData } from '../../core/build/build-request.ts';
import { parseCommand, UsageError, type ParsedCommand } from '../../core/commands/index.ts';
import type { EnvironmentsConfig } from '../../core/environments.ts';
import { QueueUnavailableError, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import { ephemeral, errorReply, threadLink, usageReply, type EphemeralReply } from '../render/replies.ts';

export interface SlashCommandDeps {
  config: EnvironmentsConfig;
  jobs: JobQueue;
  outbox: OutboxStore;
  portal: string;
  logger: Logger;
  now?: () => Date;
}

/** The slash commands this app registers (the manifest lists the same). */
export const slashCommands = ['/acr', '/ops'] as const;

/**
 * Slash commands: parse → authorise → durable enqueue → ack. Nothing here waits on Azure or
 * on a Slack Web API call; the card is posted by the outbox once the job is safely queued.
 */
export function registerSlashCommands(app: App, deps: SlashCommandDeps): void {
  const now = deps.now ?? (() => new Date());
  for (const name of slashCommands) {
    app.command(name, async ({ command, ack }) => {
      const log = deps.logger.child({ command: name, user: command.user_id, channel: command.channel_id });
      let reply: EphemeralReply;
      try {
        reply = await handle(parseCommand(name, command.text ?? ''), command);
      } catch (err) {
        if (err instanceof UsageError) reply = usageReply((err as UsageError).message, (err as UsageError).usage);
        else if (err instanceof UserFacingError) reply = errorReply(err.message, err.hint);
        else {
          log.error({ err }, 'command failed');
          reply = errorReply('Something went wrong on my side, so nothing was started.', 'Try again; if it keeps failing, tell the platform admin.');
        }
      }
      await ack(reply);
    });
  }

  async function handle(parsed: ParsedCommand, command: SlashCommand): Promise<EphemeralReply> {
    switch (parsed.kind) {
      case 'help':
        return ephemeral(escapeMrkdwn(parsed.usage));
      case 'ops.job':
        return describeJob(parsed.jobId, command);
      case 'acr.build': {
        const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
        const data = toBuildJobData(parsed, { jobId, userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, now: now() }, deps.config);
        const card = buildCard(data, { status: 'queued', portal: deps.portal });
        // The card first: if the worker is fast, its "running" card must land after "queued".
        // Then the job and the card's flush together: two round trips to Redis in all.
        try {
          await deps.outbox.open(jobId, { channelId: command.channel_id, teamId: command.team_id, responseUrl: command.response_url }, card);
          await Promise.all([deps.jobs.submit('build', jobId, data), deps.outbox.requestFlush(jobId)]);
        } catch (err) {
          throw err instanceof QueueUnavailableError ? err : new QueueUnavailableError(err);
        }
        deps.logger.info({ jobId, user: command.user_id, environment: data.environment, registry: data.target.registry }, 'build queued');
        return ephemeral(`:inbox_tray: Build queued as job \`${jobId}\` in *${escapeMrkdwn(data.environment)}*. Its card and live log will appear in this channel.`);
      }
    }
  }

  async function describeJob(jobId: string, command: SlashCommand): Promise<EphemeralReply> {
    const job = await deps.jobs.get(jobId);
    if (!job) return errorReply(`I can't find job ${jobId}.`, 'Job ids look like j0abc12def345; finished jobs are kept for 7 days.');
    const thread = await deps.outbox.thread(jobId);
    const data = job.data as { environment?: string; requesterId?: string; progress?: { phase?: string; runId?: string } };
    const lines = [
      `*Job* \`${jobId}\` (${escapeMrkdwn(job.kind)}) is *${job.state}*${data.progress?.phase ? `, step ${escapeMrkdwn(data.progress.phase)}` : ''}.`,
      data.environment ? `Environment: *${escapeMrkdwn(data.environment)}*` : '',
      data.requesterId ? `Requested by ${mention(data.requesterId).mrkdwn}` : '',
      data.progress?.runId ? `ACR run: \`${escapeMrkdwn(data.progress.runId)}\`` : '',
      thread?.ts ? `Thread: ${threadLink(command.team_domain, thread.channelId, thread.ts)}` : '',
      job.failedReason ? `Last error: ${escapeMrkdwn(job.failedReason)}` : '',
    ];
    return ephemeral(lines.filter(Boolean).join('\n'));
  }
}
