/**
 * Slack rewrites slash-command text when "Escape channels, users, and links" is on: it wraps
 * links and mentions in `<…>` markup and escapes the user's own `&`, `<`, `>` as entities.
 * Undoing that turns the text back into what the user typed, plus stable mention tokens.
 */

const MARKUP = /<([^<>]*)>/g;
const ENTITY = /&(amp|lt|gt);/g;
const ENTITY_CHARS: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>' };
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Unwraps Slack markup, then decodes `&amp;` `&lt;` `&gt;`.
 *
 * - `<https://x|label>` and `<https://x>` → `https://x`; when Slack auto-linked a bare
 *   domain (`<http://a.io|a.io>`) the label is what the user typed, so it is kept instead.
 * - `<mailto:a@b.c|a@b.c>` → the label.
 * - `<@U123|name>` → `<@U123>`, `<#C123|name>` → `<#C123>`, `<!subteam^S1|@x>` → `<!subteam^S1>`.
 *
 * Markup is unwrapped first: after decoding, a typed `&lt;https://x&gt;` is plain text and
 * must not be mistaken for a link.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(MARKUP, (whole, inner: string) => unwrapMarkup(whole, inner)).replace(ENTITY, (_, name: string) => ENTITY_CHARS[name] ?? '');
}

function unwrapMarkup(whole: string, inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  const sigil = target[0];
  // Mentions stay tokens (minus the display name, which users can change) so later
  // commands can take users, channels and groups.
  if (sigil === '@' || sigil === '#' || sigil === '!') return `<${target}>`;
  if (/^mailto:/i.test(target)) return label ?? target.slice('mailto:'.length);
  if (URL_SCHEME.test(target)) {
    if (label !== undefined && /^https?:\/\//i.test(target) && target.replace(/^https?:\/\//i, '') === label) return label;
    return target;
  }
  // Not Slack markup (Slack escapes a typed '<'); leave it alone.
  return whole;
}
