import type { App, BlockButtonAction } from '@slack/bolt';
import { rotationCard, tokenRotationCard } from '../../core/credentials/cards.ts';
import type { ExpiryScanJobData, RotationJobData, TokenRotationJobData } from '../../core/credentials/jobs.ts';
import { appSecretCredential, registryTokenCredential, type RotationClaims } from '../../core/credentials/rotation-claims.ts';
import type { EnvironmentConfig } from '../../config/file.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { ActionId } from '../action-ids.ts';
import { claimBeforeQueueing, queueClaimed } from '../commands/rotation-claim.ts';
import { answerEveryClick } from './answer-every-click.ts';
import { clickRequester, requestContext, type RequestDeps } from './request-context.ts';
import { ephemeral, errorReply } from '../render/replies.ts';

export interface RotateActionDeps extends RequestDeps {
  rotations: RotationClaims;
  environments: Readonly<Record<string, EnvironmentConfig>>;
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
      const request = requestContext(deps, clickRequester(body), 'click');
      const { who } = request;
      const reply = (text: string) => respond({ ...ephemeral(text), replace_original: false });
      const [scanId = '', index = ''] = (action.value ?? '').split('#');
      const scan = SCAN_ID.test(scanId) ? await deps.jobs.get(scanId) : undefined;
      const credential = scan?.kind === 'expiry-scan' ? (scan.data as ExpiryScanJobData).alerted?.[Number(index)] : undefined;
      if (!credential) {
        await reply(errorReply('That alert is too old to act on; run `/sp expiring` for the current list.').text);
        return;
      }
      const isToken = credential.kind === 'registry-token';
      const environment = isToken ? credential.environment : undefined;
      const audit = {
        action: isToken ? 'button.acr.token.rotate' : 'button.sp.rotate',
        target: isToken ? credential.appName : credential.appId,
        ...(environment && { environment }),
      };
      // Where the click happened: an environment limited to some channels is checked like a command.
      await request.authorize(isToken ? 'acr.token.rotate' : 'sp.rotate', environment || undefined, { ...audit, details: {} });
      // One rotation per click; a replayed click maps to the same job id and queues nothing new.
      const jobId = request.jobId;
      const base = { jobId, requesterId: who.userId, teamId: who.teamId, channelId: who.channelId, queuedAt: now().toISOString(), trigger: 'button' as const };
      const env = environment && Object.hasOwn(deps.environments, environment) ? deps.environments[environment] : undefined;
      const tokenName = credential.appName.slice(credential.appName.indexOf('/') + 1);
      if (isToken && !env?.registry) {
        await reply(
          errorReply(`${credential.environment ?? 'That environment'} has no registry configured any more.`, 'Run `/sp expiring` for the current list.').text,
        );
        return;
      }
      const claimed = env?.registry
        ? registryTokenCredential({ subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.registry }, tokenName)
        : appSecretCredential(credential.appId);
      const refusal = await claimBeforeQueueing(deps, claimed, jobId, isToken ? `Registry token ${credential.appName}` : credential.appName, {
        actor: who.userId,
        ...audit,
      });
      if (refusal) {
        await reply(refusal.mrkdwn);
        return;
      }
      await queueClaimed(deps, claimed, jobId, async () => {
        if (isToken) {
          const data: TokenRotationJobData = { ...base, environment: credential.environment!, token: tokenName, progress: { phase: 'generating', steps: [] } };
          await request.enqueue('rotate-token', jobId, data, { audit, card: tokenRotationCard(data, 'queued') });
        } else {
          const data: RotationJobData = { ...base, app: credential.appId, oldKeyId: credential.keyId, progress: { phase: 'adding', steps: [] } };
          await request.enqueue('rotate-secret', jobId, data, {
            audit: { ...audit, details: { keyId: credential.keyId } },
            card: rotationCard(data, 'queued'),
          });
        }
      });
      await reply(
        isToken
          ? `:arrows_counterclockwise: Rotating registry token *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`.`
          : `:arrows_counterclockwise: Rotating the secret of *${escapeMrkdwn(credential.appName)}* as job \`${jobId}\`; each step appears in its thread.`,
      );
    }),
  );
}
