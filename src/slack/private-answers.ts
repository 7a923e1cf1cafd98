import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AnswerStore, Asker, PrivateAnswers, QueryAnswer } from '../core/query-answer.ts';
import { redactDeep, redactText } from '../core/redact.ts';
import { openDirectMessage, slackErrorOf } from './direct-message.ts';
import { answerAsText, fitsInline, renderAnswer, type TextPlacement } from './render/answer-blocks.ts';
import { ResponseUrlReplies } from './response-url-replies.ts';

export interface SlackPrivateAnswersOptions {
  /** For the DM a long text goes to, and the DM fallback. */
  client: WebClient;
  /** Answers are kept here for the Share in channel button. */
  store: AnswerStore;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => Date;
}

/**
 * Answers a read-only query to the person who asked, and only to them: an ephemeral message
 * on the command's response_url with a Share in channel button. A text too long for a message
 * goes as a file into the asker's DM with the bot (an ephemeral message cannot carry a file).
 * Past the response_url's 30 minutes or 5 posts, the whole answer goes to that DM instead.
 *
 * Not through the outbox: an answer belongs to one person and has no card or thread to keep
 * in order, and a failure here fails the job's attempt, which BullMQ retries.
 */
export class SlackPrivateAnswers implements PrivateAnswers {
  readonly #client: WebClient;
  readonly #store: AnswerStore;
  readonly #logger: Logger;
  readonly #responseUrls: ResponseUrlReplies;
  readonly #now: () => Date;

  constructor(options: SlackPrivateAnswersOptions) {
    this.#client = options.client;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#responseUrls = new ResponseUrlReplies(options.fetch);
    this.#now = options.now ?? (() => new Date());
  }

  async deliver(answerId: string, to: Asker, answer: QueryAnswer): Promise<void> {
    const shareable = !answer.failure;
    if (shareable) {
      // The response_url is a credential for 30 minutes and a share uses the click's own: not kept.
      const { responseUrl: _, ...asker } = to;
      await this.#store.put(answerId, { answer, asker, at: this.#now().toISOString() });
    }
    let dm: string | undefined;
    let placement: TextPlacement = { kind: 'inline' };
    if (answer.text && !fitsInline(answer.text)) {
      try {
        dm = await openDirectMessage(this.#client, to.userId);
        await this.#client.filesUploadV2({
          channel_id: dm,
          filename: answer.text.filename,
          title: redactText(answer.text.title),
          content: redactText(answer.text.content),
          initial_comment: redactText(answerAsText(answer, 'You asked for this; only you can see this conversation.')),
        });
        placement = { kind: 'file', where: 'in a file in our DM' };
      } catch (err) {
        this.#logger.warn({ err, answerId, slackError: slackErrorOf(err) }, 'could not send a long answer as a file in a DM');
        placement = {
          kind: 'clipped',
          note: `The rest is too long for a message, and I could not send it to you as a file (Slack said ${slackErrorOf(err)}).`,
        };
      }
    }
    if (to.responseUrl) {
      const message = renderAnswer(answer, { placement, footer: `Only you can see this · job \`${answerId}\``, ...(shareable && { shareId: answerId }) });
      try {
        await this.#responseUrls.post(to.responseUrl, message);
        return;
      } catch (err) {
        // Expired (30 minutes), used up (5 posts) or refused: the DM still reaches them.
        this.#logger.warn({ err, answerId }, 'response_url refused the answer; sending it as a DM');
      }
    }
    dm ??= await openDirectMessage(this.#client, to.userId);
    // No Share button here: from the DM it could only share into the DM.
    const where = /^[CG][A-Z0-9]{2,20}$/.test(to.channelId) ? `<#${to.channelId}>` : 'a channel';
    const message = renderAnswer(answer, {
      placement,
      footer: `You asked in ${where}; the answer came too late to show it to you there · job \`${answerId}\``,
    });
    await this.#client.chat.postMessage({
      channel: dm,
      text: redactText(message.text),
      blocks: redactDeep(message.blocks) as typeof message.blocks,
      unfurl_links: false,
    });
  }
}
