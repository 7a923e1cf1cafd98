import type { SpCommand } from '../../core/commands/sp.ts';
import type { ExpiryScanJobData, RotationJobData } from '../../core/credentials/jobs.ts';
import { rotationCard } from '../../core/credentials/cards.ts';
import { ErrorCode, Refused, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ephemeral, type EphemeralReply } from '../render/replies.ts';
import { appSecretCredential } from '../../core/credentials/rotation-claims.ts';
import { authorize, type CommandContext } from './context.ts';
import { queueJob } from './queue-job.ts';
import { claimBeforeQueueing, queueClaimed } from './rotation-claim.ts';

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

/**
 * `/sp …`: everything reads Microsoft Graph, so each becomes a job; the answers to
 * `expiring`, `list` and `show` come privately through the command's response_url.
 */
export async function sp(ctx: CommandContext, parsed: SpCommand): Promise<EphemeralReply> {
  const { command } = ctx;
  if (!ctx.credentials) {
    throw new UserFacingError(ErrorCode.Usage, 'Client secrets are not managed here yet.', {
      hint: 'The platform admin adds a credentials: section (alertChannel, keyVaultUrl, applications) to chatops.yaml.',
    });
  }
  // Credentials are tenant-wide, not per environment: only admins (and the audit knows who asked).
  await authorize(ctx, parsed.kind, undefined, parsed.kind === 'sp.rotate' || parsed.kind === 'sp.show' ? { target: parsed.app } : {});
  const jobId = jobIdFromTrigger(command.team_id, command.trigger_id);
  if (parsed.kind === 'sp.rotate') {
    const data: RotationJobData = {
      jobId,
      requesterId: command.user_id,
      teamId: command.team_id,
      channelId: command.channel_id,
      queuedAt: ctx.now().toISOString(),
      trigger: 'command',
      app: parsed.app,
      ...(parsed.keyId && { oldKeyId: parsed.keyId }),
      progress: { phase: 'adding', steps: [] },
    };
    const audit = {
      actor: command.user_id,
      action: 'command.sp.rotate',
      target: parsed.app,
      details: { channel: command.channel_id, ...(parsed.keyId && { keyId: parsed.keyId }) },
    };
    // An app named by id is claimed here; one named by display name is claimed by its job once it knows the id.
    const credential = GUID.test(parsed.app) ? appSecretCredential(parsed.app) : undefined;
    const queue = () => queueJob(ctx, 'rotate-secret', jobId, data, rotationCard(data, 'queued'), { ...audit, outcome: 'accepted', jobId });
    if (credential) {
      const refusal = await claimBeforeQueueing(ctx, credential, jobId, parsed.app, audit);
      if (refusal) throw new Refused(refusal);
      await queueClaimed(ctx, credential, jobId, queue);
    } else {
      await queue();
    }
    return ephemeral(`:inbox_tray: Rotation of *${escapeMrkdwn(parsed.app)}* queued as job \`${jobId}\`. Each step appears in its thread.`);
  }
  const data: ExpiryScanJobData = {
    jobId,
    trigger: 'command',
    mode: parsed.kind === 'sp.list' ? 'list' : parsed.kind === 'sp.show' ? 'show' : 'expiring',
    ...(parsed.kind === 'sp.expiring' && parsed.days !== undefined && { withinDays: parsed.days }),
    ...(parsed.kind === 'sp.show' && { app: parsed.app }),
    requesterId: command.user_id,
    responseUrl: command.response_url,
    phase: 'new',
  };
  await ctx.request.enqueue('expiry-scan', jobId, data, { audit: { action: `command.${parsed.kind}`, ...(data.app && { target: data.app }) } });
  return ephemeral(':mag: Reading Microsoft Graph… the answer will appear here in a moment (only you see it).');
}
