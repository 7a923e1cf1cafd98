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
    if (close === undefined) throw unclosedQuote(ch, chars.slice(i + 1), current, tokens, usage);
    current += close.value;
    i = close.end;
    inToken = true;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

/** Flags whose values are credentials or references to them, by name, so new ones are covered too. */
const SECRET_FLAG = /secret|secure|token|password|passwd|credential|key/i;
/** A name worth echoing before `=`: a variable, build argument or flag name. */
const PLAIN_NAME = /^-{0,2}[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/**
 * The error for a quote that is never closed. It says where the quote is without repeating
 * what follows it when that may be a secret: a value after `=` (`DB_PASSWORD='…`) or any word
 * of a secret-bearing flag (`--git-access-token "…`). Usage errors are shown in Slack and
 * kept in the audit log for 90 days; the user knows what they typed.
 */
function unclosedQuote(quote: string, rest: readonly string[], wordSoFar: string, earlier: readonly string[], usage: string): UsageError {
  const fix = `has no closing quote; add one (or write \\${quote} for a literal quote)`;
  const notRepeated = 'What follows it is not repeated here, in case it is a secret.';
  const eq = wordSoFar.lastIndexOf('=');
  if (eq !== -1) {
    const name = wordSoFar.slice(wordSoFar.lastIndexOf('=', eq - 1) + 1, eq);
    // Worded without `NAME=` followed by text, which the redaction rules would take for a value.
    const where = PLAIN_NAME.test(name) ? `that starts the value of ${name}` : 'after an = sign';
    return new UsageError(`The ${quote} ${where} ${fix}. ${notRepeated}`, usage);
  }
  // Phones turn `--` into an em dash; such a word is a flag too.
  const flag = [...earlier].reverse().find((word) => /^(-{1,2}|[\u2013\u2014])[A-Za-z]/.test(word));
  if (flag !== undefined && SECRET_FLAG.test(flag)) {
    return new UsageError(`The ${quote} in the values of ${PLAIN_NAME.test(flag) ? flag : 'a secret-bearing flag'} ${fix}. ${notRepeated}`, usage);
  }
  // Control characters would garble the reply; the snippet only needs to locate the quote,
  // and stops at an `=`, whose value may be a secret.
  const shown = printable(rest.slice(0, 20).join(''));
  const cut = shown.includes('=') ? shown.slice(0, shown.indexOf('=') + 1) : shown;
  const more = rest.length > cut.length ? '…' : '';
  const where = cut.trim() === '' ? 'at the end' : `before ${cut}${more}`;
  return new UsageError(`The ${quote} ${where} ${fix}.`, usage);
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
