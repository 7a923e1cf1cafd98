/**
 * What every validator in this folder returns: the cleaned value, or one friendly sentence
 * that says what is wrong and shows the valid form. Validators never throw, so callers can
 * collect several problems before answering, and turn one into a `UsageError` if they like.
 */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** A successful {@link Validation}. */
export function valid<T>(value: T): Validation<T> {
  return { ok: true, value };
}

/** A failed {@link Validation}; `problem` is plain text that the Slack layer escapes. */
export function invalid<T = never>(problem: string): Validation<T> {
  return { ok: false, problem };
}

/** Longest part of a user value echoed in a problem, in code points; replies should stay short. */
export const MAX_SHOWN = 40;

// Controls (C0, DEL, C1), format characters (bidi overrides, zero-width joiners), line and
// paragraph separators and lone surrogates: each could garble or disguise an echoed value.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * A user value as echoed in a problem: in single quotes, cut to {@link MAX_SHOWN} code points
 * plus `…`, with invisible characters written as `\uXXXX` so they are seen, not obeyed.
 */
export function shown(value: string): string {
  const chars = Array.from(value);
  const cut = chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN).join('')}…` : value;
  return `'${cut.replace(INVISIBLE, escapeCodePoint)}'`;
}

function escapeCodePoint(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Whether text holds characters {@link shown} would have to make visible. */
export function hasInvisible(value: string): boolean {
  return value.search(INVISIBLE) !== -1;
}
