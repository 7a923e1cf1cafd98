import { removalApproval } from '../../core/approval/approvals.ts';
import type { AcrAdminCommand } from '../../core/commands/acr-admin.ts';
import type { AcrTaskCommand } from '../../core/commands/acr-task.ts';
import type { AcrTokenCommand } from '../../core/commands/acr-token.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { acrChangeCard, acrChangeTitle, destructiveChanges, type AcrChange, type AcrChangeJobData } from '../../core/registry/acr-change.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { authorize, jobHeader, type CommandContext } from './context.ts';
import { checkGitToken } from './git-token-check.ts';
import { queueJob } from './queue-job.ts';

/** The `/acr` commands that change the registry: each is one `acr-change` job. */
export type AcrChangeCommand =
  | Extract<AcrAdminCommand, { kind: 'acr.update' | 'acr.replication.create' | 'acr.replication.delete' }>
  | Extract<AcrTokenCommand, { kind: 'acr.token.create' }>
  | Extract<AcrTaskCommand, { kind: 'acr.task.create' | 'acr.task.delete' }>;

function changeOf(parsed: AcrChangeCommand): AcrChange {
  switch (parsed.kind) {
    case 'acr.update':
      return { op: 'update', adminEnabled: parsed.adminEnabled };
    case 'acr.replication.create':
      return { op: 'replication.create', location: parsed.location };
    case 'acr.replication.delete':
      return { op: 'replication.delete', location: parsed.location };
    case 'acr.token.create':
      return { op: 'token.create', token: parsed.token, repositories: parsed.repositories, expirationDays: parsed.expirationDays };
    case 'acr.task.create':
      return { op: 'task.create', task: parsed.task };
    case 'acr.task.delete':
      return { op: 'task.delete', task: parsed.name };
  }
}

/**
 * `/acr update|replication create|replication delete|token create|task create|task delete`:
 * authorise, check what can be checked without Azure, then queue an `acr-change` job.
 * Removals wait on their card for the requester's Confirm (or the approvers).
 */
export async function acrChange(ctx: CommandContext, parsed: AcrChangeCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  if (!env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured.`, { hint: 'Use --env with an environment that has one.' });
  await authorize(ctx, parsed.kind, environment, { target: env.registry });
  if (parsed.kind === 'acr.token.create' && !ctx.credentials) {
    throw new UserFacingError(ErrorCode.Usage, 'Registry tokens need a Key Vault to keep their passwords in, and none is configured.', {
      hint: 'The platform admin adds a credentials: section with keyVaultUrl to chatops.yaml.',
    });
  }
  if (parsed.kind === 'acr.task.create' && parsed.task.gitTokenSecret !== undefined) {
    await checkGitToken(ctx, parsed.kind, environment, env, parsed.task.gitTokenSecret, parsed.task.repositoryUrl, env.registry);
  }
  const change = changeOf(parsed);
  const data: AcrChangeJobData = {
    ...jobHeader(ctx, environment),
    target: { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry },
    change,
    ...(destructiveChanges.has(change.op) && { approval: removalApproval(env.approval) }),
    progress: { phase: 'new' },
  };
  const { jobId } = data;
  await queueJob(ctx, 'acr-change', jobId, data, acrChangeCard(data, { status: 'queued', portal: ctx.portal }), {
    actor: command.user_id,
    action: `command.${parsed.kind}`,
    outcome: 'accepted',
    environment,
    target: env.registry,
    jobId,
    details: {
      change: change.op,
      channel: command.channel_id,
      ...(change.op === 'task.create' && change.task.gitTokenSecret !== undefined && { gitTokenName: change.task.gitTokenSecret }),
    },
  });
  const next = data.approval
    ? data.approval.mode === 'approval'
      ? ' It waits for approval on its card.'
      : ' Confirm it on its card.'
    : ' Progress appears on its card.';
  return ephemeral(`:inbox_tray: ${escapeMrkdwn(acrChangeTitle(data))} in *${escapeMrkdwn(environment)}*: queued as job \`${jobId}\`.${next}`);
}
