import type { AcrTokenRotateCommand } from '../../core/commands/acr-token.ts';
import { tokenRotationCard } from '../../core/credentials/cards.ts';
import type { TokenRotationJobData } from '../../core/credentials/jobs.ts';
import { resolveEnvironment } from '../../core/environments.ts';
import { ErrorCode, Refused, UserFacingError } from '../../core/errors.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { registryTokenCredential } from '../../core/credentials/rotation-claims.ts';
import { authorize, jobHeader, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';
import { claimBeforeQueueing, queueClaimed } from './rotation-claim.ts';

/** `/acr token rotate`: admins, in the target environment; the job does the rest. */
export async function acrTokenRotate(ctx: CommandContext, parsed: AcrTokenRotateCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  const { name: environment, env } = resolveEnvironment(ctx.config, parsed.environment, command.channel_id);
  await authorize(ctx, 'acr.token.rotate', environment, { target: parsed.token });
  if (!ctx.credentials)
    throw new UserFacingError(ErrorCode.Usage, 'Token rotation needs a Key Vault to keep the new password in.', {
      hint: 'The platform admin adds a credentials: section with keyVaultUrl to chatops.yaml.',
    });
  if (!env.registry)
    throw new UserFacingError(ErrorCode.Usage, `${environment} has no registry configured.`, { hint: 'Use --env with an environment that has one.' });
  const data: TokenRotationJobData = {
    ...jobHeader(ctx, environment),
    trigger: 'command',
    token: parsed.token,
    progress: { phase: 'generating', steps: [] },
  };
  const { jobId } = data;
  const audit = { actor: command.user_id, action: 'command.acr.token.rotate', environment, target: `${env.registry}/${parsed.token}` };
  const credential = registryTokenCredential({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }, parsed.token);
  const refusal = await claimBeforeQueueing(ctx, credential, jobId, `Token ${parsed.token} of ${env.registry}`, audit);
  if (refusal) throw new Refused(refusal);
  await queueClaimed(ctx, credential, jobId, () =>
    queueJob(ctx, 'rotate-token', jobId, data, tokenRotationCard(data, 'queued'), { ...audit, outcome: 'accepted', jobId }),
  );
  return ephemeral(`:inbox_tray: Rotation of token *${escapeMrkdwn(parsed.token)}* in *${escapeMrkdwn(env.registry)}* queued as job \`${jobId}\`.`);
}
