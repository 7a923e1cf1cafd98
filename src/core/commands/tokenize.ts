import { UsageError } from './errors.ts';
import { printable } from './quoted.ts';
import { unescapeSlackText } from './slack-text.ts';

interface QuoteRule {
  /** Characters that end the quoted group. */
  readonly closers: string;
  /** Whether a backslash escapes a closer or another backslash inside the group. */
  readonly escapes: boolean;
}

// Slack clients on macOS and iOS "smarten" quotes, so “ ” ‘ ’ arrive as often as " and '.
const DOUBLE: QuoteRule = { closers: '"', escapes: true };
const SMART_DOUBLE: QuoteRule = { closers: '\u201D\u201C"', escapes: true };
const SINGLE: QuoteRule = { closers: "'", escapes: false };
const SMART_SINGLE: QuoteRule = { closers: "\u2019\u2018'", escapes: false };

const OPENERS: Readonly<Record<string, QuoteRule>> = {
  '"': DOUBLE,
  '\u201C': SMART_DOUBLE,
  "'": SINGLE,
  '\u2018': SMART_SINGLE,
};

// Some keyboards put closing-style quotes on both sides, so ” and ’ open a group at the
// start of a word. Inside a word ’ is an apostrophe (don’t) and ” an inch mark; keep them.
const WORD_START_OPENERS: Readonly<Record<string, QuoteRule>> = {
  '\u201D': SMART_DOUBLE,
  '\u2019': SMART_SINGLE,
};

const WHITESPACE = /\s/u;

/**
 * Splits slash-command text into words, shell-style, after undoing Slack's escaping
 * (see {@link unescapeSlackText}).
 *
 * Whitespace separates words; single and double quotes (straight or smart) group; `""` is an
 * empty word. A backslash escapes any character outside quotes, and a quote or backslash inside
 * double quotes. Single quotes take everything literally.
 *
 * @param usage - usage text attached to the {@link UsageError} for an unterminated quote.
 * @throws UsageError when a quote is never closed.
 */
export function tokenize(text: string, usage = ''): string[] {
  const chars = Array.from(unescapeSlackText(text));
  const tokens: string[] = [];
  let current = '';
  // Separate from `current !== ''` so that `""` yields an empty token.
  let inToken = false;

  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (WHITESPACE.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      continue;
    }
    if (ch === '\\') {
      const next = chars[i + 1];
      // A trailing backslash has nothing to escape; keep it rather than fail.
      current += next ?? '\\';
      if (next !== undefined) i++;
      inToken = true;
      continue;
    }
    const rule = OPENERS[ch] ?? (inToken ? undefined : WORD_START_OPENERS[ch]);
    if (rule === undefined) {
      current += ch;
      inToken = true;
      continue;
    }
    const close = readQuoted(chars, i + 1, rule);
    if (close === undefined) {
      // Control characters would garble the reply; the snippet only needs to locate the quote.
      const after = printable(chars.slice(i + 1, i + 21).join(''));
      const more = chars.length > i + 21 ? '…' : '';
      const where = after.trim() === '' ? 'at the end' : `before ${after}${more}`;
      throw new UsageError(`The ${ch} ${where} has no closing quote; add one (or write \\${ch} for a literal quote).`, usage);
    }
    current += close.value;
    i = close.end;
    inToken = true;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

/** Reads a quoted group starting after its opener; `end` is the index of the closer. */
function readQuoted(chars: readonly string[], start: number, rule: QuoteRule): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start; i < chars.length; i++) {
    const ch = chars[i]!;
    if (rule.closers.includes(ch)) return { value, end: i };
    const next = chars[i + 1];
    if (rule.escapes && ch === '\\' && next !== undefined && (next === '\\' || rule.closers.includes(next))) {
      value += next;
      i++;
      continue;
    }
    value += ch;
  }
  return undefined;
}
