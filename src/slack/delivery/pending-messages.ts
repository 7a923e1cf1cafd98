import type { ThreadMessage } from '../../core/card.ts';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { OutboxMessage } from '../../outbox/outbox-store.ts';
import { clipMrkdwn, messageBudget } from '../render/message-budget.ts';
import { renderThreadMessage, type RenderedReply } from '../render/thread-message.ts';

/** This many log batches waiting means the channel is far behind: they go as one, middle dropped. */
export const farBehindBatches = 10;

type LiveLog = Extract<ThreadMessage, { kind: 'log' }> & { live: { fullLog: import('../../core/mrkdwn.ts').Mrkdwn } };

/** A batch of a log that keeps coming: it may wait, merge with the next ones, lose its middle. */
export function isLiveLog(m: OutboxMessage): m is LiveLog {
  return m.kind === 'log' && m.live !== undefined;
}

/**
 * The next message to send from the pending ones (`head`, oldest first) and how many it covers.
 * Consecutive live log batches merge: close to the channel's pace as many as fit one message;
 * far behind all of them, the renderer then dropping the middle and saying where the full log is.
 */
export function nextMessage(head: readonly OutboxMessage[]): { message: OutboxMessage; count: number } {
  const first = head[0]!;
  if (!isLiveLog(first)) return { message: first, count: 1 };
  let run = 0;
  while (run < head.length && isLiveLog(head[run]!)) run++;
  const farBehind = run >= farBehindBatches;
  const texts: string[] = [];
  let size = 0;
  for (const m of head.slice(0, run) as LiveLog[]) {
    const escaped = escapeMrkdwn(m.text).length + 1;
    if (!farBehind && texts.length > 0 && size + escaped > messageBudget.text - 200) break;
    texts.push(m.text);
    size += escaped;
  }
  const last = head[texts.length - 1] as LiveLog;
  return {
    message: { kind: 'log', text: texts.join('\n'), ...(first.skippedBytes && { skippedBytes: first.skippedBytes }), live: last.live },
    count: texts.length,
  };
}

/** The words of a message, without its formatting. */
function wordsOf(message: OutboxMessage): string {
  switch (message.kind) {
    case 'page':
      return message.text;
    case 'file':
      return `${message.title}\n${message.comment ?? ''}`;
    case 'note':
      return message.text.mrkdwn;
    case 'error':
      return `${message.text}${message.hint ? `\n${message.hint}` : ''}`;
    case 'log':
      return message.text;
  }
}

/**
 * A message drawn more simply after Slack refused it `level` times: 1 plain text, 2 a file
 * (what was a file already goes to 3), 3 one line pointing at `/ops job`.
 */
export function degradedReply(message: OutboxMessage, level: number, jobId: string): RenderedReply {
  if (level === 1) {
    const rendered = message.kind === 'page' ? undefined : renderThreadMessage(message);
    const text = rendered?.type === 'message' ? rendered.text : wordsOf(message);
    return { type: 'message', text: clipMrkdwn(text.replace(/[<>]/g, ''), messageBudget.text), mrkdwn: false };
  }
  if (level === 2 && message.kind !== 'file')
    return { type: 'file', filename: 'message.txt', title: 'A message Slack would not show', content: wordsOf(message), comment: '' };
  return { type: 'message', text: `A message of this job could not be shown here; \`/ops job ${escapeMrkdwn(jobId)}\` shows the job.`, mrkdwn: true };
}
