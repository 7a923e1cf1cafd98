import type { types } from '@slack/bolt';
import { escapeMrkdwn } from '../../core/mrkdwn.ts';
import type { AnswerText, QueryAnswer } from '../../core/query-answer.ts';
import { ActionId } from '../action-ids.ts';
import { fieldText } from './card-blocks.ts';
import { clipMrkdwn, messageBudget, messageCost } from './message-budget.ts';
import { codeBlock } from './thread-message.ts';

type KnownBlock = types.KnownBlock;

/** Where an answer's fixed-width text goes. */
export type TextPlacement =
  /** In the message, as a code block (it fits). */
  | { kind: 'inline' }
  /** In a file sent separately; `where` completes "The full text is …", e.g. "in a file in our DM". */
  | { kind: 'file'; where: string }
  /** As much as fits, and `note` says why not all of it. */
  | { kind: 'clipped'; note: string };

export interface AnswerLayout {
  placement: TextPlacement;
  /** The last line (mrkdwn): who sees it, who shared it. */
  footer: string;
  /** Adds the Share in channel button for this answer id. */
  shareId?: string;
}

/** What a clipped text may use of its section, leaving room for the fences. */
const clippedChars = messageBudget.sectionText - 300;

/** Whether `text` fits in one section of the message (escaped, in a code block). */
export function fitsInline(text: AnswerText): boolean {
  return codeBlock(text.content).length <= messageBudget.sectionText;
}

/** The placement a text gets when nothing else is arranged: in the message if it fits, else its most useful part. */
export function defaultPlacement(text: AnswerText | undefined, tooLong: string): TextPlacement {
  return !text || fitsInline(text) ? { kind: 'inline' } : { kind: 'clipped', note: tooLong };
}

/**
 * An answer as a Slack message: `text` is the notification fallback, `blocks` the layout. Sized
 * by the message budget: the fields share what the other blocks leave of it.
 */
export function renderAnswer(answer: QueryAnswer, layout: AnswerLayout): { text: string; blocks: KnownBlock[] } {
  const heading = `${answer.failure ? ':warning: ' : ''}*${escapeMrkdwn(answer.title)}* · ${escapeMrkdwn(answer.environment)}`;
  const hint = answer.failure ? `\n${escapeMrkdwn(answer.failure.hint)}` : '';
  const head: KnownBlock = {
    type: 'section',
    block_id: 'answer',
    text: { type: 'mrkdwn', text: clipMrkdwn(`${heading}\n${answer.summary.mrkdwn}${hint}`, messageBudget.sectionText) },
  };
  const rest: KnownBlock[] = [...(answer.text ? textBlocks(answer.text, layout.placement) : [])];
  rest.push({ type: 'context', block_id: 'footer', elements: [{ type: 'mrkdwn', text: clipMrkdwn(layout.footer, messageBudget.sectionText) }] });
  const buttons = [
    ...(layout.shareId
      ? [{ type: 'button' as const, action_id: ActionId.ShareAnswer, text: { type: 'plain_text' as const, text: 'Share in channel' }, value: layout.shareId }]
      : []),
    ...(answer.links ?? []).slice(0, 3).map((l, i) => ({
      type: 'button' as const,
      action_id: `${ActionId.Link}-${i}`,
      text: { type: 'plain_text' as const, text: clipMrkdwn(l.label, 75) },
      url: l.url,
    })),
  ];
  if (buttons.length > 0) rest.push({ type: 'actions', block_id: 'answer-actions', elements: buttons });
  const fields = (answer.fields ?? []).slice(0, 10);
  const blocks: KnownBlock[] = [head];
  if (fields.length > 0) {
    const left = messageBudget.blockText - messageCost([head, ...rest]) - messageBudget.perBlock;
    const max = Math.min(messageBudget.field, Math.floor(left / fields.length));
    blocks.push({ type: 'section', block_id: 'fields', fields: fields.map((f) => ({ type: 'mrkdwn' as const, text: fieldText(f, max) })) });
  }
  blocks.push(...rest);
  return { text: clipMrkdwn(`${escapeMrkdwn(answer.title)}: ${answer.summary.mrkdwn}`, messageBudget.text), blocks };
}

/**
 * The answer as one mrkdwn text (for a file's comment, where blocks cannot go): heading,
 * finding, fields as lines, footer.
 */
export function answerAsText(answer: QueryAnswer, footer: string): string {
  const lines = [
    `*${escapeMrkdwn(answer.title)}* · ${escapeMrkdwn(answer.environment)}`,
    answer.summary.mrkdwn,
    ...(answer.fields ?? []).slice(0, 10).map((f) => `• ${fieldText(f, messageBudget.field).replace('\n', ': ').replace(/\n/g, ', ')}`),
    footer,
  ];
  return clipMrkdwn(lines.join('\n'), messageBudget.sectionText);
}

function textBlocks(text: AnswerText, placement: TextPlacement): KnownBlock[] {
  if (placement.kind === 'inline') return [{ type: 'section', block_id: 'text', text: { type: 'mrkdwn', text: codeBlock(text.content) } }];
  if (placement.kind === 'file') {
    return [
      {
        type: 'context',
        block_id: 'text-file',
        elements: [
          { type: 'mrkdwn', text: `${escapeMrkdwn(text.title)}: ${lineCount(text.content)}, too long for a message. The full text is ${placement.where}.` },
        ],
      },
    ];
  }
  const { shown, hidden } = clipLines(text.content, text.keep ?? 'head');
  const more = hidden > 0 ? `${hidden} ${text.keep === 'tail' ? 'earlier' : 'more'} line${hidden === 1 ? '' : 's'} not shown. ` : '';
  return [
    { type: 'section', block_id: 'text', text: { type: 'mrkdwn', text: codeBlock(shown) } },
    { type: 'context', block_id: 'text-more', elements: [{ type: 'mrkdwn', text: `${more}${placement.note}` }] },
  ];
}

/** Whole lines from the end that matters, as many as fit in a section once escaped. */
function clipLines(content: string, keep: 'head' | 'tail'): { shown: string; hidden: number } {
  const lines = content.split('\n');
  const ordered = keep === 'tail' ? [...lines].reverse() : lines;
  const kept: string[] = [];
  let used = 0;
  for (const line of ordered) {
    const cost = escapeMrkdwn(line).length + 1;
    if (used + cost > clippedChars) break;
    kept.push(line);
    used += cost;
  }
  // A single line longer than the budget still shows its beginning, cut by escaped length.
  if (kept.length === 0 && ordered[0] !== undefined) kept.push(prefixWithin(ordered[0], clippedChars));
  return { shown: (keep === 'tail' ? kept.reverse() : kept).join('\n'), hidden: lines.length - kept.length };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The longest beginning of `line` whose escaped form fits in `budget` characters, cut between graphemes. */
function prefixWithin(line: string, budget: number): string {
  let used = 0;
  let end = 0;
  for (const { segment: ch } of graphemes.segment(line)) {
    used += escapeMrkdwn(ch).length;
    if (used > budget) break;
    end += ch.length;
  }
  return line.slice(0, end);
}

function lineCount(content: string): string {
  const n = content.split('\n').length;
  return `${n} line${n === 1 ? '' : 's'}`;
}
