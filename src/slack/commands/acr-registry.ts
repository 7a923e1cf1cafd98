import { acrQueryActions, acrQueryCard, acrQueryTitle, isReadOnlyAcrQuery, type AcrQueryJobData, type AcrQueryOp } from '../../core/build/acr-query.ts';
import type { AcrAdminCommand } from '../../core/commands/acr-admin.ts';
import type { AcrRegistryCommand } from '../../core/commands/acr-registry.ts';
import type { AcrTaskCommand } from '../../core/commands/acr-task.ts';
import type { AcrTokenCommand } from '../../core/commands/acr-token.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { mayCancel } from '../../core/access/cancel-rule.ts';
import { runClaimKey, type BuildJobData } from '../../core/build/build-job.ts';
import type { RegistryRef } from '../../core/registry-ref.ts';
import type { CommandSpec } from '../../core/commands/spec.ts';
import { authorize, refuseUnlessAllowed, type CommandContext } from './context.ts';
import { lookingUp, queueJob, queueQuery } from './queue-job.ts';

/** The `/acr` commands that only look (and `/acr cancel`): each is one `acr-query` job. Specs with a `query` declare theirs. */
export type AcrQueryCommand =
  | AcrRegistryCommand
  | Extract<AcrAdminCommand, { kind: 'acr.show' | 'acr.replication.list' }>
  | Extract<AcrTokenCommand, { kind: 'acr.token.list' }>
  | Extract<AcrTaskCommand, { kind: 'acr.task.list' | 'acr.task.show' }>;

const ops = Object.fromEntries(Object.entries(acrQueryActions).map(([op, kind]) => [kind, op])) as Record<
  (typeof acrQueryActions)[keyof typeof acrQueryActions],
  AcrQueryOp
>;

/**
 * `/acr runs|logs|cancel|repository|show|replication list|token list|task list|task show`:
 * authorise in the environment, queue an `acr-query` job. Lookups answer the requester alone;
 * `/acr cancel` changes Azure, so it gets a card in the channel.
 */
export async function acrRegistry(
  ctx: CommandContext,
  asked: AcrQueryCommand | { kind: string; environment?: string },
  spec?: CommandSpec,
): Promise<EphemeralReply> {
  const { command } = ctx;
  // A declared query's command is its spec's business; the ones that predate specs are listed above.
  const parsed = asked as AcrQueryCommand;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  if (!env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured.`, { hint: 'Use --env with an environment that has one.' });
  const target = { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry };
  if (parsed.kind === 'acr.cancel') await authorizeCancel(ctx, environment, target, parsed.runId);
  else await authorize(ctx, spec?.action ?? parsed.kind, environment, { target: env.registry });
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  const declared = spec?.query && {
    query: spec.query.op,
    title: spec.query.title(env.registry, parsed),
    action: spec.action,
    params: { ...spec.query.params?.(parsed) },
  };
  const data: AcrQueryJobData = {
    jobId,
    op: declared ? 'declared' : ops[parsed.kind as keyof typeof ops],
    ...(declared && { declared }),
    requesterId: command.user_id,
    teamId: command.team_id,
    channelId: command.channel_id,
    environment,
    queuedAt: ctx.now().toISOString(),
    target,
    ...('runId' in parsed && { runId: parsed.runId }),
    ...('top' in parsed && { top: parsed.top }),
    ...('status' in parsed && parsed.status !== undefined && { status: parsed.status }),
    ...('repository' in parsed && { repository: parsed.repository, orderby: parsed.orderby }),
    ...(parsed.kind === 'acr.task.show' && { taskName: parsed.name }),
    phase: 'new',
  };
  const detail = data.runId ?? data.repository ?? data.taskName ?? Object.values(declared?.params ?? {})[0];
  const audit = {
    actor: command.user_id,
    action: `command.${spec?.action ?? parsed.kind}`,
    outcome: 'accepted' as const,
    environment,
    target: `${env.registry}${detail ? `/${detail}` : ''}`,
    jobId,
  };
  if (isReadOnlyAcrQuery(data.op)) {
    await queueQuery(ctx, 'acr-query', jobId, { ...data, responseUrl: command.response_url }, audit);
    return ephemeral(
      lookingUp(
        acrQueryTitle(data).replace(/^\w/, (c) => c.toLowerCase()),
        environment,
        jobId,
      ),
    );
  }
  await queueJob(ctx, 'acr-query', jobId, data, acrQueryCard(data, 'queued', ctx.portal), audit);
  return ephemeral(`:inbox_tray: Queued as job \`${jobId}\` in *${escapeMrkdwn(environment)}*; the outcome appears on its card.`);
}

/**
 * `/acr cancel RUN_ID` follows the Cancel button's rule (`mayCancel`): whose run it is comes
 * from the job that started it. A build's cancel flag is set too, so its card says who canceled.
 */
async function authorizeCancel(ctx: CommandContext, environment: string, target: RegistryRef, runId: string): Promise<void> {
  const { command } = ctx;
  const ownerJob = await ctx.runOwners.ownerOf(runClaimKey(target), runId);
  const job = ownerJob ? await ctx.jobs.get(ownerJob) : undefined;
  const build = job?.kind === 'build' ? (job.data as BuildJobData) : undefined;
  const decision = await mayCancel(
    ctx.policy,
    { userId: command.user_id, teamId: command.team_id, apiAppId: command.api_app_id, channelId: command.channel_id },
    { environment, requesterId: build?.requesterId, announced: build?.trigger !== undefined },
  );
  await refuseUnlessAllowed(ctx, decision, 'acr.cancel', environment, { target: `${target.registry}/${runId}`, ...(build && { jobId: build.jobId }) });
  if (build) await ctx.cancels.request(build.jobId, command.user_id);
}
