import { acrQueryCard, type AcrQueryJobData } from '../../core/build/acr-query.ts';
import type { AcrRegistryCommand } from '../../core/commands/acr-registry.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';

const ops: Record<AcrRegistryCommand['kind'], AcrQueryJobData['op']> = {
  'acr.runs': 'runs',
  'acr.logs': 'logs',
  'acr.cancel': 'cancel',
  'acr.repository.list': 'repositories',
  'acr.repository.show-tags': 'tags',
};

/** `/acr runs|logs|cancel|repository …`: authorise in the environment, queue an `acr-query` job. */
export async function acrRegistry(ctx: CommandContext, parsed: AcrRegistryCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  if (!env.registry) throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured.`, { hint: 'Use --env with an environment that has one.' });
  await authorize(ctx, parsed.kind, environment, { target: env.registry });
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const data: AcrQueryJobData = {
    jobId,
    op: ops[parsed.kind],
    requesterId: command.user_id,
    teamId: command.team_id,
    channelId: command.channel_id,
    environment,
    queuedAt: ctx.now().toISOString(),
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry },
    ...('runId' in parsed && { runId: parsed.runId }),
    ...('top' in parsed && { top: parsed.top }),
    ...('status' in parsed && parsed.status !== undefined && { status: parsed.status }),
    ...('repository' in parsed && { repository: parsed.repository, orderby: parsed.orderby }),
    phase: 'new',
  };
  await queueJob(ctx, 'acr-query', jobId, data, acrQueryCard(data, 'queued', ctx.portal), {
    actor: command.user_id,
    action: `command.${parsed.kind}`,
    outcome: 'accepted',
    environment,
    target: `${env.registry}${data.runId ? `/${data.runId}` : data.repository ? `/${data.repository}` : ''}`,
    jobId,
  });
  return ephemeral(`:inbox_tray: Queued as job \`${jobId}\` in *${escapeMrkdwn(environment)}*; the answer appears on its card.`);
}
