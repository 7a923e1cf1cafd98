/**
 * Masks credentials that can end up inside free text (error messages, URLs, logs): Slack
 * tokens, bearer tokens, SAS signatures, client secrets and passwords in URLs. Used by the
 * logger and the Slack outbox so one rule set protects every exit.
 */
const patterns: readonly [RegExp, string][] = [
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1[redacted]'],
  // `&amp;` too: text may already be escaped for Slack when it is checked.
  [/((?:[?&]|&amp;)(?:sig|se|skoid|sktid|skt|ske|sks|skv|sv|st|sp|spr|srt|ss|sr)=)[^&\s"'<>]*/gi, '$1[redacted]'],
  [/((?:client_secret|password|secret|access_token|refresh_token)["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi, '$1[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+:)[^@/?#\s]+@/gi, '$1[redacted]@'],
];

/** Cheap pre-check: most strings (log messages, ids) contain none of the patterns' anchors. */
const mightHoldSecret = /xox|xapp|bearer|sig=|se=|s[kprstv]\w?=|sr=|secret|password|token|:\/\/[^\s/@]+:[^\s/@]*@/i;

export function redactText(text: string): string {
  if (!mightHoldSecret.test(text)) return text;
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}

/** Deep copy of `value` with every string redacted; for log records. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...('code' in value ? { code: value.code } : {}) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}
