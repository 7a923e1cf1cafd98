import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import { recordOrLog } from '../../audit/record-or-log.ts';
import type { AccessPolicy } from '../../core/access/access-policy.ts';
import type { AuditLog } from '../../core/audit.ts';
import { mention } from '../../core/mrkdwn.ts';
import type { AnswerStore, StoredAnswer } from '../../core/query-answer.ts';
import { redactText } from '../../core/redact.ts';
import { ActionId } from '../action-ids.ts';
import { slackErrorOf } from '../direct-message.ts';
import { answerAsText, defaultPlacement, fitsInline, renderAnswer, type TextPlacement } from '../render/answer-blocks.ts';
import { ephemeral, errorReply } from '../render/replies.ts';
import { ResponseUrlReplies, type ResponseUrlMessage } from '../response-url-replies.ts';
import { answerEveryClick } from './answer-every-click.ts';

export interface ShareActionDeps {
  answers: AnswerStore;
  policy: AccessPolicy;
  audit: AuditLog;
  logger: Logger;
}

/**
 * Share in channel, on a private answer: posts the same answer in the channel it was asked in,
 * as shared by the person who clicked. Whether they may is decided now, from the stored
 * answer's action and environment (roles change; the answer does not), and an answer is shared
 * once however many clicks arrive.
 */
export function registerShareAction(app: App, deps: ShareActionDeps): void {
  const responseUrls = new ResponseUrlReplies();
  app.action<BlockButtonAction>(
    ActionId.ShareAnswer,
    answerEveryClick(deps.logger, ActionId.ShareAnswer, async ({ ack, body, action, respond, client }) => {
      await ack();
      const userId = body.user.id;
      const answerId = action.value ?? '';
      const reply = (text: string) => respond({ ...ephemeral(text), replace_original: false });
      const stored = /^[\w-]{1,64}$/.test(answerId) ? await deps.answers.get(answerId) : undefined;
      if (!stored) {
        await respond({
          ...errorReply('I no longer keep this answer (answers can be shared for a day).', 'Run the command again for a fresh one.'),
          replace_original: false,
        });
        return;
      }
      const channelId = stored.asker.channelId;
      const audit = { actor: userId, action: 'answer.share', environment: stored.answer.environment, target: stored.asker.action, jobId: answerId };
      const decision = await deps.policy.check({
        userId,
        teamId: body.team?.id ?? body.user.team_id ?? '',
        apiAppId: body.api_app_id,
        channelId,
        environment: stored.answer.environment,
        action: stored.asker.action,
      });
      if (!decision.allowed) {
        await recordOrLog(deps.audit, { ...audit, outcome: 'refused', reason: decision.reason }, deps.logger);
        await reply(decision.message.mrkdwn);
        return;
      }
      const claim = await deps.answers.claimShare(answerId, userId);
      if (!claim.first) {
        await reply(`${claim.by === userId ? 'You' : mention(claim.by).mrkdwn} already shared this answer in the channel.`);
        return;
      }
      // Through the response_url helper rather than respond(): it redacts blocks as well as text.
      const send = (message: ResponseUrlMessage) => responseUrls.post(body.response_url, message);
      let problem: string | undefined;
      try {
        problem = await postPublicly(stored, userId, channelId, send, client);
      } catch (err) {
        await deps.answers.releaseShare(answerId);
        throw err;
      }
      await recordOrLog(deps.audit, { ...audit, outcome: 'succeeded', details: { channel: channelId } }, deps.logger);
      // The private copy loses its button, so it cannot be shared twice from there.
      const privateCopy = renderAnswer(stored.answer, {
        placement: defaultPlacement(stored.answer.text, 'The rest is in the copy shared in the channel.'),
        footer: 'You shared this in the channel.',
      });
      await send({ ...privateCopy, replaceOriginal: true });
      if (problem) await reply(problem);
    }),
  );
}

/**
 * Posts the answer in the channel. The click's response_url works in any channel the command
 * could be typed in, the bot a member or not; a text too long for a message goes as a file
 * with the answer as its comment, which needs the bot in the channel. Returns what the clicker
 * should know when the full text could not be attached.
 */
async function postPublicly(
  stored: StoredAnswer,
  userId: string,
  channelId: string,
  send: (message: ResponseUrlMessage) => Promise<void>,
  client: App['client'],
): Promise<string | undefined> {
  const { answer, asker } = stored;
  const footer = `Shared by ${mention(userId).mrkdwn}${asker.userId === userId ? '' : `, asked by ${mention(asker.userId).mrkdwn}`}.`;
  let placement: TextPlacement = { kind: 'inline' };
  let problem: string | undefined;
  if (answer.text && !fitsInline(answer.text)) {
    try {
      await client.filesUploadV2({
        channel_id: channelId,
        filename: answer.text.filename,
        title: redactText(answer.text.title),
        content: redactText(answer.text.content),
        initial_comment: redactText(answerAsText(answer, footer)),
      });
      return undefined;
    } catch (err) {
      const code = slackErrorOf(err);
      placement = { kind: 'clipped', note: 'The full text could not be attached here.' };
      problem = `I shared the answer, but not its full text as a file: Slack said ${code}. ${code === 'not_in_channel' || code === 'channel_not_found' ? 'Invite me with `/invite @azure-chatops` so I can attach files here.' : 'Try again later.'}`;
    }
  }
  const message = renderAnswer(answer, { placement, footer });
  await send({ ...message, responseType: 'in_channel' });
  return problem;
}
