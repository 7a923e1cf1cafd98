import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import { rotationCard, tokenRotationCard } from '../../core/credentials/cards.ts';
import type { ExpiryScanJobData, RotationJobData, TokenRotationJobData } from '../../core/credentials/jobs.ts';
import { jobIdFromTrigger } from '../../core/job-id.ts';
import type { JobQueue } from '../../core/job-queue.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { OutboxStore } from '../../outbox/outbox-store.ts';
import { ActionId } from '../action-ids.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface RotateActionDeps {
  jobs: JobQueue;
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
 * credential comes from the alert's stored job, and only admins may rotate.
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
        await respond({ ...errorReply('That alert is too old to act on; run `/sp expiring` for the current list.'), replace_original: false });
        return;
      }
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const isToken = credential.kind === 'registry-token';
      const decision = await deps.policy.check({
        userId,
        teamId,
        apiAppId: body.api_app_id,
        action: isToken ? 'acr.token.rotate' : 'sp.rotate',
        ...(isToken && credential.environment && { environment: credential.environment }),
      });
      if (!decision.allowed) {
        await deps.audit
          .record({ actor: userId, action: 'button.sp.rotate', outcome: 'refused', reason: decision.reason, target: credential.appId })
          .catch((err: unknown) => deps.logger.error({ err }, 'could not audit a refusal'));
        await reply(decision.message.mrkdwn);
        return;
      }
      // One rotation per click; a replayed click maps to the same job id and queues nothing new.
      const jobId = jobIdFromTrigger(teamId, body.trigger_id);
      const channelId = body.channel?.id ?? '';
      if (isToken) {
        const token: TokenRotationJobData = {
          jobId,
          requesterId: userId,
          teamId,
          channelId,
          queuedAt: now().toISOString(),
          trigger: 'button',
          environment: credential.environment!,
          token: credential.appName.slice(credential.appName.indexOf('/') + 1),
          progress: { phase: 'generating', steps: [] },
        };
        await deps.audit.record({ actor: userId, action: 'button.acr.token.rotate', outcome: 'accepted', environment: token.environment, target: credential.appName, jobId });
        await deps.outbox.open(jobId, { channelId, teamId, responseUrl: body.response_url }, tokenRotationCard(token, 'queued'));
        await Promise.all([deps.jobs.submit('rotate-token', jobId, token), deps.outbox.requestFlush(jobId)]);
        await reply(`:arrows_counterclockwise: Rotating registry token *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`.`);
        return;
      }
      const data: RotationJobData = {
        jobId,
        requesterId: userId,
        teamId,
        channelId,
        queuedAt: now().toISOString(),
        trigger: 'button',
        app: credential.appId,
        oldKeyId: credential.keyId,
        progress: { phase: 'adding', steps: [] },
      };
      await deps.audit.record({ actor: userId, action: 'button.sp.rotate', outcome: 'accepted', target: credential.appId, jobId, details: { keyId: credential.keyId } });
      await deps.outbox.open(jobId, { channelId, teamId, responseUrl: body.response_url }, rotationCard(data, 'queued'));
      await Promise.all([deps.jobs.submit('rotate-secret', jobId, data), deps.outbox.requestFlush(jobId)]);
      await reply(`:arrows_counterclockwise: Rotating the secret of *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`; each step appears in its thread.`);
    }),
  );
}
