import type { ThreadMessage } from '../../core/card.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import { clipMiddle, clipMrkdwn, messageBudget } from './message-budget.ts';

export type RenderedReply =
  | { type: 'message'; text: string; mrkdwn: boolean }
  | { type: 'file'; filename: string; title: string; content: string; comment: string };

const fence = '```';

/** A code block's inside: escaped (Slack counts the escaped length) and unable to close the block. */
function codeText(text: string): string {
  return escapeMrkdwn(text.replace(/```/g, "'''"));
}

/** `text` as a code block. */
export function codeBlock(text: string): string {
  return `${fence}${codeText(text)}${fence}`;
}

/** Room for the code inside a message that also carries `extra` characters around it. */
const codeRoom = (extra: number) => messageBudget.text - fence.length * 2 - extra;

function note(text: string): RenderedReply {
  return { type: 'message', text: clipMrkdwn(text, messageBudget.text), mrkdwn: true };
}

/** A log batch: a code block within budget, or a file when a whole answer is too long for one. */
function log(message: Extract<ThreadMessage, { kind: 'log' }>): RenderedReply {
  const skipped = message.skippedBytes ? `_…${message.skippedBytes} earlier bytes not shown_\n` : '';
  const code = codeText(message.text);
  if (code.length <= codeRoom(skipped.length)) return { type: 'message', text: `${skipped}${fence}${code}${fence}`, mrkdwn: true };
  if (!message.live) {
    return { type: 'file', filename: 'output.txt', title: 'Output', content: message.text, comment: 'Too long for a message: attached as a file.' };
  }
  const where = message.live.fullLog.mrkdwn;
  const marker = (dropped: number) => `… ${dropped} lines not shown here …`;
  const footer = `\n_The full log: ${where}_`;
  return { type: 'message', text: `${skipped}${fence}${clipMiddle(code, codeRoom(skipped.length + footer.length), marker)}${fence}${footer}`, mrkdwn: true };
}

/** Turns a thread reply into what the outbox sends with chat.postMessage or files.uploadV2. */
export function renderThreadMessage(message: ThreadMessage): RenderedReply {
  switch (message.kind) {
    case 'note':
      return note(message.text.mrkdwn);
    case 'error':
      return note(`:warning: ${escapeMrkdwn(message.text)}${message.hint ? `\n${escapeMrkdwn(message.hint)}` : ''}`);
    case 'log':
      return log(message);
    case 'file':
      return {
        type: 'file',
        filename: message.filename,
        title: message.title,
        content: message.content,
        comment: clipMrkdwn(escapeMrkdwn(message.comment ?? ''), messageBudget.text),
      };
  }
}

/**
 * What a thread gets instead of an attachment Slack refused: the comment, the end of the
 * content, and where the whole of it is.
 */
export function renderFileFallback(message: Extract<ThreadMessage, { kind: 'file' }>, whereFallback: string): RenderedReply {
  const comment = message.comment ? `${escapeMrkdwn(message.comment)}\n` : '';
  const where = `\n_Slack did not take the attachment (${escapeMrkdwn(message.title)}); its last lines are above. The whole of it: ${message.fullLog?.mrkdwn ?? whereFallback}_`;
  const room = codeRoom(comment.length + where.length);
  const tail = message.content.split('\n').reverse();
  const kept: string[] = [];
  let used = 0;
  for (const line of tail) {
    const escaped = codeText(line);
    if (used + escaped.length + 1 > room) break;
    kept.unshift(escaped);
    used += escaped.length + 1;
  }
  const body = kept.length > 0 ? kept.join('\n') : clipMrkdwn(codeText(message.content.slice(-room)), room);
  return { type: 'message', text: clipMrkdwn(`${comment}${fence}${body}${fence}${where}`, messageBudget.text), mrkdwn: true };
}
