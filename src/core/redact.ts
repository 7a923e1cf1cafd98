/**
 * Masks credentials that can end up inside free text (error messages, URLs, build and
 * container logs): Slack, GitHub and npm tokens, bearer tokens and JWTs, SAS signatures,
 * connection-string keys, client secrets, API keys, passwords (in URLs, `key=value` pairs and
 * `*_PASSWORD=` variables) and PEM private keys. Used by the logger, the audit log and the
 * Slack outbox, so one rule set protects every exit.
 *
 * Build logs are large and attacker-shaped, so every rule runs in time linear in the text:
 * each unbounded run starts at a fixed anchor that cannot recur inside that run, or ends in a
 * match as soon as it stops (no pattern can fail after scanning a long run and then be retried
 * one character later). `test/unit/redact.test.ts` feeds each rule the input that would make
 * it quadratic otherwise.
 */

/** `NAME=@kv:secret-name` names a Key Vault secret; showing the name is the point. */
const KEY_VAULT_REFERENCE = /^@kv:[0-9A-Za-z-]{1,127}$/;

const keepReferences = (prefix: string, value: string): string => (KEY_VAULT_REFERENCE.test(value) ? `${prefix}${value}` : `${prefix}[redacted]`);

const patterns: readonly [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  [/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  // GitHub: classic, OAuth, user-to-server, server-to-server and refresh tokens, fine-grained PATs.
  [/\b(gh[pousr]_)[A-Za-z0-9]{20,}/g, '$1[redacted]'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, 'github_pat_[redacted]'],
  [/\bnpm_[A-Za-z0-9]{30,}/g, 'npm_[redacted]'],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1[redacted]'],
  [/(Authorization["']?\s*[:=]\s*["']?Basic\s+)[A-Za-z0-9+/=]+/gi, '$1[redacted]'],
  // `&amp;` too: text may already be escaped for Slack when it is checked.
  [/((?:[?&]|&amp;)(?:sig|se|skoid|sktid|skt|ske|sks|skv|sv|st|sp|spr|srt|ss|sr)=)[^&\s"'<>]*/gi, '$1[redacted]'],
  // Azure connection strings: `;`-separated, so the value ends at the next `;`.
  [/((?:AccountKey|SharedAccessKey|SharedAccessSignature)=)[^;\s"']+/gi, '$1[redacted]'],
  [
    /((?:client_secret|password|passwd|secret|access_token|refresh_token|_authToken|_auth|api[_-]?key)["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi,
    (_m, prefix: string, value: string) => keepReferences(prefix, value),
  ],
  // Secret-named variables as Dockerfiles and shells write them: `ENV NPM_TOKEN=…`, `export DB_PASSWORD=…`.
  [
    /\b([A-Z][A-Z0-9_]*_(?:TOKEN|SECRET|PASSWORD|PASSWD|PWD|API_?KEY|ACCESS_KEY|ACCOUNT_KEY|PRIVATE_KEY|CONNECTION_STRING)=)([^\s"']+)/g,
    (_m, prefix: string, value: string) => keepReferences(prefix, value),
  ],
  // Anchored on `://`, not on the scheme: a scheme pattern would restart at every letter of a long dotted word.
  [/(:\/\/[^:/?#\s@]+:)[^@/?#\s]+@/g, '$1[redacted]@'],
];

/** Cheap pre-check: most strings (log messages, ids) contain none of the rules' anchors. */
const mightHoldSecret =
  /xox|xapp|bearer|basic|sig=|se=|s[kprstv]\w?=|sr=|secret|passw|pwd|token|_auth|api[_-]?key|accountkey|sharedaccess|access_key|account_key|private_key|connection_string|gh[pousr]_|github_pat_|npm_|eyJ|PRIVATE KEY|:\/\/[^\s/@]+:[^\s/@]*@/i;

export function redactText(text: string): string {
  if (!mightHoldSecret.test(text)) return text;
  let out = redactPrivateKeys(redactJwts(text));
  for (const [re, replacement] of patterns) out = out.replace(re, replacement as string);
  return out;
}

/**
 * JWTs (`header.payload.signature`, each part base64url, header and payload JSON objects so
 * starting `eyJ`). Found by taking each maximal run that starts `eyJ` and splitting it at the
 * dots, rather than by a pattern that would rescan the run from every `eyJ` inside it.
 */
function redactJwts(text: string): string {
  return text.replace(/eyJ[A-Za-z0-9_.-]+/g, (run) => {
    const parts = run.split('.');
    for (let i = 0; i + 2 < parts.length; i++) {
      if (parts[i]!.startsWith('eyJ') && parts[i + 1]!.startsWith('eyJ')) {
        return [...parts.slice(0, i), '[redacted]', ...parts.slice(i + 3)].join('.');
      }
    }
    return run;
  });
}

const PEM_MARKER = /-----(BEGIN|END) [A-Z0-9 ]{0,40}PRIVATE KEY[A-Z ]{0,10}-----/g;
/** A line of key material, possibly behind a log prefix (`#9 0.102 MIIEow…`), or a PEM header line. */
const KEY_LINE = /(^|\s)[A-Za-z0-9+/=]{16,}\s*$|^\s*(Proc-Type|DEK-Info):/;

/**
 * PEM private keys, markers included. Logs reach Slack in batches and a batch may start or end
 * inside a key, so a BEGIN without its END hides the rest of the text, and an END without its
 * BEGIN hides the key lines just above it.
 */
function redactPrivateKeys(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  let out = '';
  let done = 0;
  let openedAt = -1;
  for (const m of text.matchAll(PEM_MARKER)) {
    if (m[1] === 'BEGIN') {
      if (openedAt < 0) openedAt = m.index;
      continue;
    }
    const from = openedAt >= 0 ? openedAt : startOfKeyLines(text, done, m.index);
    out += `${text.slice(done, from)}[redacted private key]`;
    done = m.index + m[0].length;
    openedAt = -1;
  }
  if (openedAt >= 0) return `${out}${text.slice(done, openedAt)}[redacted private key]`;
  return out + text.slice(done);
}

/**
 * Where the key lines just above an END marker at `end` begin (the marker itself when there
 * are none), looking back no further than `floor`, the end of what was already handled.
 */
function startOfKeyLines(text: string, floor: number, end: number): number {
  let from = end;
  let lineStart = Math.max(text.lastIndexOf('\n', end - 1) + 1, floor); // the END marker's own line
  while (lineStart > floor) {
    const above = Math.max(text.lastIndexOf('\n', lineStart - 2) + 1, floor);
    if (!KEY_LINE.test(text.slice(above, lineStart - 1))) break;
    from = above;
    lineStart = above;
  }
  return from;
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
