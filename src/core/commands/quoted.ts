/** Longest value echoed back in a message; Slack replies should stay short. */
const MAX_SHOWN = 60;

/**
 * A user-supplied value as it should appear inside an error message: in double quotes,
 * control characters made visible (JSON escapes), cut short if long, and never past an `=`:
 * what follows one (`DB_PASSWORD=…`, `?token=…`) may be a secret, and usage errors are shown
 * in Slack and kept in the audit log.
 */
export function quoted(value: string): string {
  const eq = value.indexOf('=');
  const chars = Array.from(eq === -1 ? value : value.slice(0, eq + 1));
  const cut = chars.length > MAX_SHOWN || eq !== -1 ? `${chars.slice(0, MAX_SHOWN).join('')}…` : value;
  // JSON escapes C0 controls and lone surrogates; also escape DEL, C1 controls and the
  // bidi overrides that could make an echoed value read as something else.
  return JSON.stringify(cut).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** Longest value echoed inside a suggestion, where quotes would be in the way. */
const MAX_CLIPPED = 200;

/** A value echoed bare inside a suggestion (`try https://…`), cut short if long. */
export function clipped(value: string): string {
  const chars = Array.from(value);
  return chars.length > MAX_CLIPPED ? `${chars.slice(0, MAX_CLIPPED).join('')}…` : value;
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** Whether text holds control or bidi characters that would garble a reply. */
export function hasUnprintable(value: string): boolean {
  return value.search(UNPRINTABLE) !== -1;
}

/** Text with control and bidi characters turned into spaces, for snippets echoed without quotes. */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, ' ');
}
