/**
 * How big one Slack message may be, and how to cut text to fit without breaking it. Every
 * renderer in src/slack/render measures against this, so a message is sized before it is sent
 * instead of by luck.
 */

/**
 * - `blocks`: "You can include up to 50 blocks in each message" (Block Kit reference).
 * - `blockText`: the cumulative text Slack accepts across a message's blocks is undocumented;
 *   Slack staff answered "12,000 text characters with a buffer for block containers"
 *   (bolt-js#2509) and a message of 11,341 characters in many blocks was refused (bolt-js#2867),
 *   so each block is charged `perBlock` characters on top of its text.
 * - `text`: chat.postMessage advises keeping top-level `text` to 4,000 characters (it truncates
 *   past 40,000).
 * - `sectionText` / `field`: section text is 1–3,000 characters, each field ≤ 2,000.
 */
export const messageBudget = {
  blocks: 50,
  blockText: 12_000,
  perBlock: 100,
  text: 4_000,
  sectionText: 3_000,
  field: 2_000,
} as const;

/**
 * A Home tab is a view, not a message: "Max of 100 blocks" (docs.slack.dev/reference/views/
 * home-tab-views) and 250 kB in all (views.publish `view_too_large`), with no cumulative text
 * budget; its sections, fields and headers have the same limits as a message's.
 */
export const homeViewBudget = {
  blocks: 100,
  sectionText: messageBudget.sectionText,
  header: 150,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Characters of every `text` in a block tree: what Slack's cumulative limit counts. */
function blockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + blockText(v), 0);
  if (!isObject(value)) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) n += key === 'text' && typeof v === 'string' ? v.length : blockText(v);
  return n;
}

/** What a set of blocks costs against {@link messageBudget.blockText}: their text plus a charge per block. */
export function messageCost(blocks: readonly unknown[]): number {
  return blockText(blocks) + messageBudget.perBlock * blocks.length;
}

/** Whether a message fits everywhere Slack measures it. */
export function fitsMessage(message: { text: string; blocks?: readonly unknown[] }): boolean {
  const blocks = message.blocks ?? [];
  return message.text.length <= messageBudget.text && blocks.length <= messageBudget.blocks && messageCost(blocks) <= messageBudget.blockText;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Units that must stay whole: entities (`&amp;`), and `<…>` constructs (mentions, links, dates). */
const atomic = /&(?:[a-zA-Z]+|#\d+);|<[^<>\n]*>/g;

/** The text as indivisible pieces: entities and `<…>` constructs whole, everything else by grapheme. */
function* pieces(text: string): Generator<string> {
  let at = 0;
  for (const match of text.matchAll(atomic)) {
    if (match.index > at) for (const g of graphemes.segment(text.slice(at, match.index))) yield g.segment;
    yield match[0];
    at = match.index + match[0].length;
  }
  if (at < text.length) for (const g of graphemes.segment(text.slice(at))) yield g.segment;
}

/** The longest prefix of whole pieces no longer than `max` characters. */
function prefix(text: string, max: number): string {
  let out = '';
  // Only the first `max` characters can be kept, plus the tail of a construct that starts there.
  for (const piece of pieces(text.slice(0, max + 200))) {
    if (out.length + piece.length > max) break;
    out += piece;
  }
  return out;
}

/**
 * Cuts mrkdwn (or plain) text to at most `max` characters, ending with `ellipsis` when cut. The
 * cut falls between graphemes (an emoji is never split) and never inside an entity such as
 * `&amp;`, a mention, a link or a date.
 */
export function clipMrkdwn(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  return `${prefix(text, Math.max(0, max - ellipsis.length))}${ellipsis}`;
}

/** The longest suffix of whole pieces no longer than `max` characters. */
function suffix(text: string, max: number): string {
  const tail = text.slice(Math.max(0, text.length - max - 200));
  const parts = [...pieces(tail)];
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    if (out.length + parts[i]!.length > max) break;
    out = parts[i]! + out;
  }
  return out;
}

/**
 * Keeps the head and the tail of `text` within `max` characters, whole lines where it can, with
 * `marker(dropped)` in between (`dropped`: how many lines were left out).
 */
export function clipMiddle(text: string, max: number, marker: (droppedLines: number) => string): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  const room = max - marker(lines.length).length - 2;
  if (room <= 0) return clipMrkdwn(text, max);
  let head = 0;
  let tail = lines.length;
  let used = 0;
  // Take lines from both ends, a third from the head and the rest from the tail: the end of a log says how it finished.
  while (head < tail) {
    const fromHead = used < room / 3;
    const line = lines[fromHead ? head : tail - 1]!;
    if (used + line.length + 1 > room) break;
    used += line.length + 1;
    if (fromHead) head++;
    else tail--;
  }
  if (head === 0 && tail === lines.length) return `${prefix(text, Math.floor(room / 3))}\n${marker(0)}\n${suffix(text, room - Math.floor(room / 3))}`;
  return [...lines.slice(0, head), marker(tail - head), ...lines.slice(tail)].join('\n');
}
