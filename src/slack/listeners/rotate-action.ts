import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import { AuditWriteError, type AuditLog } from '../../core/audit.ts';
import { rotationCard, tokenRotationCard } from '../../core/credentials/cards.ts';
import type { ExpiryScanJobData, RotationJobData, TokenRotationJobData } from '../../core/credentials/jobs.ts';
import { appSecretCredential, registryTokenCredential, type RotationClaims } from '../../core/credentials/rotation-claims.ts';
import type { EnvironmentConfig } from '../../config/file.ts';
import { QueueUnavailableError, UserFacingError } from '../../core/errors.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import { ActionId } from '../action-ids.ts';
import { claimBeforeQueueing, queueClaimed } from '../commands/rotation-claim.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface RotateActionDeps {
  jobs: JobQueue;
  rotations: RotationClaims;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  policy: AccessPolicy;
  audit: AuditLog;
  outbox: OutboxStore;
  logger: Logger;
  now?: () => Date;
}

// Scheduled scans have BullMQ scheduler ids (`repeat:…`); command ones `j…`.
const SCAN_ID = /^[\w:.-]{1,120}$/;

/**
 * Rotate, on a row of an expiry alert. The button says which row of which alert; the
 * credential comes from the alert's stored job, and only admins may rotate. A credential
 * another job is rotating is not rotated twice: the click is told which job has it.
 */
export function registerRotateAction(app: App, deps: RotateActionDeps): void {
  const now = deps.now ?? (() => new Date());
  app.action<BlockButtonAction>(
    ActionId.RotateCredential,
    answerEveryClick(deps.logger, ActionId.RotateCredential, async ({ ack, body, action, respond }) => {
      await ack();
      const userId = body.user.id;
      const reply = (text: string) => respond({ ...ephemeral(text), replace_original: false });
      const [scanId = '', index = ''] = (action.value ?? '').split('#');
      const scan = SCAN_ID.test(scanId) ? await deps.jobs.get(scanId) : undefined;
      const credential = scan?.kind === 'expiry-scan' ? (scan.data as ExpiryScanJobData).alerted?.[Number(index)] : undefined;
      if (!credential) {
        await reply(errorReply('That alert is too old to act on; run `/sp expiring` for the current list.').text);
        return;
      }
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const isToken = credential.kind === 'registry-token';
      const audit = {
        actor: userId,
        action: isToken ? 'button.acr.token.rotate' : 'button.sp.rotate',
        target: isToken ? credential.appName : credential.appId,
        ...(isToken && credential.environment && { environment: credential.environment }),
      };
      const decision = await deps.policy.check({
        userId,
        teamId,
        apiAppId: body.api_app_id,
        // Where the click happened: an environment limited to some channels is checked like a command.
        ...(body.channel?.id && { channelId: body.channel.id }),
        action: isToken ? 'acr.token.rotate' : 'sp.rotate',
        ...(isToken && credential.environment && { environment: credential.environment }),
      });
      if (!decision.allowed) {
        await deps.audit.record({ ...audit, outcome: 'refused', reason: decision.reason }).catch((err: unknown) => deps.logger.error({ err }, 'could not audit a refusal'));
        await reply(decision.message.mrkdwn);
        return;
      }
      // One rotation per click; a replayed click maps to the same job id and queues nothing new.
      const jobId = jobIdFromTrigger(teamId, body.trigger_id);
      const channelId = body.channel?.id ?? '';
      const target = { channelId, teamId, responseUrl: body.response_url };
      const base = { jobId, requesterId: userId, teamId, channelId, queuedAt: now().toISOString(), trigger: 'button' as const };
      const env = isToken && credential.environment && Object.hasOwn(deps.environments, credential.environment) ? deps.environments[credential.environment] : undefined;
      const tokenName = credential.appName.slice(credential.appName.indexOf('/') + 1);
      if (isToken && !env?.registry) {
        await reply(errorReply(`${credential.environment ?? 'That environment'} has no registry configured any more.`, 'Run `/sp expiring` for the current list.').text);
        return;
      }
      const claimed = env?.registry ? registryTokenCredential({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }, tokenName) : appSecretCredential(credential.appId);
      try {
        const refusal = await claimBeforeQueueing(deps, claimed, jobId, isToken ? `Registry token ${credential.appName}` : credential.appName, audit);
        if (refusal) {
          await reply(refusal.mrkdwn);
          return;
        }
        await queueClaimed(deps, claimed, jobId, async () => {
          if (isToken) {
            const data: TokenRotationJobData = { ...base, environment: credential.environment!, token: tokenName, progress: { phase: 'generating', steps: [] } };
            await deps.audit.record({ ...audit, outcome: 'accepted', jobId });
            await deps.outbox.open(jobId, target, tokenRotationCard(data, 'queued'));
            await Promise.all([deps.jobs.submit('rotate-token', jobId, data), deps.outbox.requestFlush(jobId)]);
          } else {
            const data: RotationJobData = { ...base, app: credential.appId, oldKeyId: credential.keyId, progress: { phase: 'adding', steps: [] } };
            await deps.audit.record({ ...audit, outcome: 'accepted', jobId, details: { keyId: credential.keyId } });
            await deps.outbox.open(jobId, target, rotationCard(data, 'queued'));
            await Promise.all([deps.jobs.submit('rotate-secret', jobId, data), deps.outbox.requestFlush(jobId)]);
          }
        });
      } catch (err) {
        const failure = err instanceof UserFacingError || err instanceof AuditWriteError ? err : new QueueUnavailableError(err);
        await reply(errorReply(failure.message, failure.hint).text);
        return;
      }
      await reply(
        isToken
          ? `:arrows_counterclockwise: Rotating registry token *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`.`
          : `:arrows_counterclockwise: Rotating the secret of *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`; each step appears in its thread.`,
      );
    }),
  );
}
