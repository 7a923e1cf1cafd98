import type { Validation } from '../../validation/index.ts';
import { UsageError } from '../errors.ts';
import { quoted } from '../quoted.ts';
import { tokenize } from '../tokenize.ts';

// Value checks for `/aci` flags that the shared validators don't cover. Each failure names
// the flag and shows the valid form, because "invalid value" alone leaves people guessing.

/** A shared validator's result as a value, or a UsageError that names the flag. */
export function checked<T>(flag: string, result: Validation<T>, usage: string): T {
  if (result.ok) return result.value;
  throw new UsageError(`${flag}: ${result.problem}`, usage);
}

/**
 * One of a fixed set of words, matched case-insensitively (phones capitalise, people type
 * `tcp`); returns the canonical spelling, as ARM expects it.
 */
export function parseChoice<const C extends readonly string[]>(flag: string, text: string, choices: C, usage: string): C[number] {
  const match = choices.find((c) => c.toLowerCase() === text.toLowerCase());
  if (match === undefined) throw new UsageError(`${flag} takes ${choices.join(', ').replace(/, ([^,]*)$/, ' or $1')}, not ${quoted(text)}.`, usage);
  return match;
}

const PORT = /^\d{1,5}$/;
const MAX_PORT = 65535;

/** `--ports 80 443`: each 1–65535; duplicates are dropped, order kept. */
export function parsePorts(words: readonly string[], usage: string): number[] {
  const ports = words.map((word) => {
    const port = PORT.test(word) ? Number(word) : Number.NaN;
    if (!(port >= 1 && port <= MAX_PORT)) throw new UsageError(`--ports takes port numbers 1–${MAX_PORT}, e.g. --ports 80 443, not ${quoted(word)}.`, usage);
    return port;
  });
  return [...new Set(ports)];
}

const TAIL = /^\d{1,6}$/;
/** Most log lines `/aci logs --tail` fetches; more would not fit a Slack reply anyway. */
export const MAX_TAIL_LINES = 10000;

/** `--tail N`: 1–{@link MAX_TAIL_LINES} lines. */
export function parseTail(text: string, usage: string): number {
  const lines = TAIL.test(text) ? Number(text) : Number.NaN;
  if (!(lines >= 1 && lines <= MAX_TAIL_LINES))
    throw new UsageError(`--tail takes a number of lines, 1–${MAX_TAIL_LINES}, e.g. --tail 100, not ${quoted(text)}.`, usage);
  return lines;
}

/**
 * `--command-line "CMD ARGS"` → the container's command as words, split shell-style as az
 * does (shlex). The Slack layer already undid Slack's escaping, so `&`, `<` and `>` are
 * re-escaped first: tokenize would otherwise decode a typed `&lt;` a second time.
 */
export function parseCommandLine(text: string, usage: string): string[] {
  const reescaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let words: string[];
  try {
    words = tokenize(reescaped, usage);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`--command-line: ${err.message} Quote the whole command line, e.g. --command-line "python app.py --port 80".`, usage);
  }
  if (words.length === 0) throw new UsageError('--command-line needs a command, e.g. --command-line "python app.py --port 80".', usage);
  return words;
}

// ARM ids are case-insensitive in their fixed segments. Names: resource groups 1–90 of
// letters, digits, `-_.()`; virtual networks 2–64 and subnets 1–80 of letters, digits, `-_.`.
const SUBNET_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/virtualNetworks\/[-\w.]{2,64}\/subnets\/[-\w.]{1,80}$/i;

/** `--subnet`: a subnet's full resource id (there is no `--vnet` here to resolve a bare name against). */
export function parseSubnetId(text: string, usage: string): string {
  if (!SUBNET_ID.test(text)) {
    throw new UsageError(
      `--subnet takes a subnet resource id, e.g. --subnet /subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>, not ${quoted(text)}.`,
      usage,
    );
  }
  return text;
}
