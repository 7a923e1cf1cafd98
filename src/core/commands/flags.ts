import { UsageError } from './errors.ts';
import { quoted } from './quoted.ts';
import { closestMatch } from './suggest.ts';

/** How a flag's value is read. `boolean` flags take no value (or an explicit `true`/`false`). */
export type FlagKind = 'string' | 'boolean' | 'integer' | 'keyValue';

/** One flag a command accepts. */
export interface FlagSpec {
  /** Long name without dashes: `image` for `--image`. */
  readonly name: string;
  /** One-letter alias without the dash: `t` for `-t`. */
  readonly short?: string;
  readonly kind: FlagKind;
  /** May be given several times; values are collected in order. @defaultValue false */
  readonly repeatable?: boolean;
  /** Takes every following word up to the next flag, like az's `--ports 80 443`. @defaultValue false */
  readonly multiple?: boolean;
  /** Placeholder shown when the value is missing: `--image REPO:TAG`. */
  readonly valueName?: string;
}

/** A `KEY=VALUE` pair; the value may itself contain `=`. */
export interface KeyValue {
  key: string;
  value: string;
}

type ScalarOf<K extends FlagKind> = K extends 'boolean' ? boolean : K extends 'integer' ? number : K extends 'keyValue' ? KeyValue : string;

/** The parsed value of one flag: an array when it is `repeatable` or `multiple`. */
export type FlagValue<F extends FlagSpec> = F extends { readonly repeatable: true } | { readonly multiple: true } ? ScalarOf<F['kind']>[] : ScalarOf<F['kind']>;

/** Values by long flag name; a flag that was not given has no key at all. */
export type FlagValues<S extends readonly FlagSpec[]> = { [F in S[number] as F['name']]?: FlagValue<F> };

/** Result of {@link parseFlags}. */
export interface ParsedFlags<S extends readonly FlagSpec[]> {
  values: FlagValues<S>;
  /** Words that are not flags or flag values, in order. */
  positionals: string[];
}

/**
 * Parses flags the way az (argparse) does: `--flag value`, `--flag=value` (split at the first
 * `=`), `-t value`, `-t=value`, boolean `--no-cache` or `--no-cache true|false`, and `--` to end
 * flags. A word starting with `-` is a flag, except negative numbers; to pass a value that
 * starts with `-`, write `--flag=-value`.
 *
 * @param usage - usage text attached to every {@link UsageError}.
 * @throws UsageError for an unknown flag (with a suggestion), a non-repeatable flag given twice,
 * a missing value, a malformed integer or `KEY=VALUE`.
 */
export function parseFlags<const S extends readonly FlagSpec[]>(tokens: readonly string[], spec: S, usage: string): ParsedFlags<S> {
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const fail: (message: string) => never = (message) => {
    throw new UsageError(message, usage);
  };

  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    const token = normalizeDashes(raw);
    if (token === '--') {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (!isFlagLike(token)) {
      positionals.push(raw);
      continue;
    }
    const { written, inline } = splitInline(token);
    const f = findFlag(spec, written) ?? fail(unknownFlagMessage(written, spec));
    const long = `--${f.name}`;
    if (Object.hasOwn(values, f.name) && f.repeatable !== true) fail(`${long} was given more than once; give it once.`);

    if (f.kind === 'boolean') {
      // Only an exact true/false after a boolean flag is its value; anything else is the next word.
      let text = inline;
      const next = tokens[i + 1];
      if (text === undefined && next !== undefined && /^(true|false)$/i.test(next)) {
        text = next;
        i++;
      }
      if (text !== undefined && !/^(true|false)$/i.test(text)) fail(`${long} takes no value (or true/false), not ${quoted(text)}.`);
      store(values, f, [text === undefined || text.toLowerCase() === 'true']);
      continue;
    }

    const words: string[] = inline === undefined ? [] : [inline];
    const takesMore = () => i + 1 < tokens.length && isValueWord(tokens[i + 1]!);
    if (f.multiple === true) {
      while (takesMore()) words.push(tokens[++i]!);
    } else if (inline === undefined && takesMore()) {
      words.push(tokens[++i]!);
    }
    if (words.length === 0) fail(`${long} needs a value, like ${long} ${f.valueName ?? 'VALUE'}.`);
    store(
      values,
      f,
      words.map((word) => convert(f, word, fail)),
    );
  }
  return { values: values as FlagValues<S>, positionals };
}

/**
 * Whether the words ask for help: `--help`, `-h` or `help` where a positional would go.
 * Walks the words like {@link parseFlags} without validating, so `--target help` is a stage
 * called help, not a help request.
 */
export function wantsHelp(tokens: readonly string[], spec: readonly FlagSpec[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const token = normalizeDashes(tokens[i]!);
    if (token === '--') return false;
    if (token === '--help' || token === '-h' || token.toLowerCase() === 'help') return true;
    if (!isFlagLike(token)) continue;
    const { written, inline } = splitInline(token);
    const flag = findFlag(spec, written);
    if (flag === undefined || flag.kind === 'boolean' || inline !== undefined) continue;
    // Skip the flag's value words, exactly as parseFlags would take them.
    while (i + 1 < tokens.length && isValueWord(tokens[i + 1]!)) {
      i++;
      if (flag.multiple !== true) break;
    }
  }
  return false;
}

/**
 * macOS and iOS turn a typed `--` into an em dash (and sometimes `-` into an en dash), so
 * `—image` means `--image` and `–t` means `-t`.
 */
function normalizeDashes(token: string): string {
  if (token.startsWith('\u2014')) return `--${token.slice(1)}`;
  if (token.startsWith('\u2013')) return Array.from(token).length === 2 ? `-${token.slice(1)}` : `--${token.slice(1)}`;
  return token;
}

/** Whether a word after a flag is that flag's value rather than the next flag or `--`. */
function isValueWord(token: string): boolean {
  const normalized = normalizeDashes(token);
  return normalized !== '--' && !isFlagLike(normalized);
}

/** Negative numbers are values (`--timeout -5` should say "out of range", not "missing value"). */
function isFlagLike(token: string): boolean {
  return token.length > 1 && token.startsWith('-') && token !== '--' && !/^-\d/.test(token);
}

function splitInline(token: string): { written: string; inline: string | undefined } {
  const eq = token.indexOf('=');
  return eq === -1 ? { written: token, inline: undefined } : { written: token.slice(0, eq), inline: token.slice(eq + 1) };
}

function findFlag(spec: readonly FlagSpec[], written: string): FlagSpec | undefined {
  if (written.startsWith('--')) return spec.find((f) => f.name === written.slice(2));
  return spec.find((f) => f.short !== undefined && f.short === written.slice(1));
}

function unknownFlagMessage(written: string, spec: readonly FlagSpec[]): string {
  const bare = written.replace(/^-+/, '');
  const isShort = !written.startsWith('--') && Array.from(bare).length === 1;
  const shorts = spec.flatMap((f) => (f.short === undefined ? [] : [f.short]));
  const guess = isShort
    ? closestMatch(bare, shorts)
    : closestMatch(
        bare,
        spec.map((f) => f.name),
      );
  const suggestion = guess === undefined ? '' : ` Did you mean ${isShort ? '-' : '--'}${guess}?`;
  return `Unknown flag ${quotedFlag(written)}.${suggestion}`;
}

/** Flags are echoed bare when they look normal, quoted when they could garble the message. */
function quotedFlag(written: string): string {
  return /^-{1,2}[A-Za-z0-9][A-Za-z0-9-]{0,40}$/.test(written) ? written : quoted(written);
}

function convert(flag: FlagSpec, word: string, fail: (message: string) => never): unknown {
  const long = `--${flag.name}`;
  switch (flag.kind) {
    case 'integer': {
      const n = /^[+-]?\d{1,15}$/.test(word) ? Number(word) : Number.NaN;
      return Number.isSafeInteger(n) ? n : fail(`${long} expects a whole number, not ${quoted(word)}.`);
    }
    case 'keyValue': {
      const eq = word.indexOf('=');
      if (eq <= 0) fail(`${long} expects ${flag.valueName ?? 'KEY=VALUE'}, not ${quoted(word)}.`);
      return { key: word.slice(0, eq), value: word.slice(eq + 1) } satisfies KeyValue;
    }
    default:
      return word;
  }
}

function store(values: Record<string, unknown>, flag: FlagSpec, parsed: unknown[]): void {
  if (flag.repeatable === true || flag.multiple === true) {
    const existing = values[flag.name];
    values[flag.name] = [...(Array.isArray(existing) ? existing : []), ...parsed];
  } else {
    values[flag.name] = parsed[0];
  }
}
