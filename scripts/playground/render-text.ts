/** Renders Slack messages as terminal text for the playground: close to what Slack shows. */

interface TextObject {
  text?: string;
}
interface Block {
  type: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: { type: string; text?: TextObject | string; style?: string; url?: string }[];
}

const emoji: Record<string, string> = {
  hourglass_flowing_sand: '⏳',
  arrows_counterclockwise: '🔄',
  white_check_mark: '✅',
  x: '❌',
  no_entry_sign: '🚫',
  alarm_clock: '⏰',
  double_vertical_bar: '⏸',
  warning: '⚠️',
  inbox_tray: '📥',
  raised_hand: '✋',
  no_entry: '⛔',
  hourglass: '⌛',
  ballot_box_with_check: '☑️',
  rewind: '⏪',
  mag: '🔍',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  rotating_light: '🚨',
  lock: '🔒',
  recycle: '♻️',
};

/** Undo Slack markup: entities, mentions, dates, links, bold, the emoji the bot uses. */
export function mrkdwnToText(text: string, users: Record<string, string> = {}): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, (_, id: string) => `@${users[id] ?? id}`)
    .replace(/<#([A-Z0-9]+)>/g, '#$1')
    .replace(/<!subteam\^([A-Z0-9]+)>/g, (_, id: string) => `@${users[id] ?? id}`)
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1$2')
    .replace(/:([a-z_]+):/g, (whole, e: string) => emoji[e] ?? whole)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function renderMessageText(message: { text?: string; blocks?: unknown }, users: Record<string, string> = {}): string {
  const blocks = (Array.isArray(message.blocks) ? message.blocks : []) as Block[];
  if (blocks.length === 0) return mrkdwnToText(message.text ?? '', users);
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') {
      lines.push(`▌ ${block.text?.text ?? ''}`);
    } else if (block.type === 'divider') {
      lines.push('─'.repeat(40));
    } else if (block.type === 'section') {
      if (block.text?.text) lines.push(mrkdwnToText(block.text.text, users));
      for (const f of block.fields ?? []) lines.push(`  ${mrkdwnToText(f.text ?? '', users).replace(/\n/g, ': ')}`);
    } else if (block.type === 'context') {
      lines.push(`  ${(block.elements ?? []).map((e) => mrkdwnToText(textOf(e.text), users)).join(' ')}`);
    } else if (block.type === 'actions') {
      lines.push(`  ${(block.elements ?? []).map((e) => `[${textOf(e.text)}]`).join(' ')}`);
    }
  }
  return lines.join('\n');
}

function textOf(t: TextObject | string | undefined): string {
  return typeof t === 'string' ? t : (t?.text ?? '');
}
