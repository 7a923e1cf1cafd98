import type { ThreadMessage } from '../../core/card.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';

/** A code block can't contain ``` and Slack counts the escaped length. */
export function codeBlock(text: string): string {
  return `\`\`\`${escapeMrkdwn(text.replace(/```/g, "'''"))}\`\`\``;
}

export type RenderedReply =
  | { type: 'message'; text: string; mrkdwn: boolean }
  | { type: 'file'; filename: string; title: string; content: string; comment: string };

/** Turns a thread reply into what the outbox sends with chat.postMessage or files.uploadV2. */
export function renderThreadMessage(message: ThreadMessage): RenderedReply {
  switch (message.kind) {
    case 'note':
      return { type: 'message', text: message.text.mrkdwn, mrkdwn: true };
    case 'error':
      return {
        type: 'message',
        text: `:warning: ${escapeMrkdwn(message.text)}${message.hint ? `\n${escapeMrkdwn(message.hint)}` : ''}`,
        mrkdwn: true,
      };
    case 'log': {
      const skipped = message.skippedBytes ? `_…${message.skippedBytes} earlier bytes not shown_\n` : '';
      // 3,500 raw characters escape to at most ~4,000 in the worst realistic case; Slack cuts at 40,000.
      return { type: 'message', text: `${skipped}${codeBlock(message.text)}`, mrkdwn: true };
    }
    case 'file':
      return {
        type: 'file',
        filename: message.filename,
        title: message.title,
        content: message.content,
        comment: escapeMrkdwn(message.comment ?? ''),
      };
  }
}
