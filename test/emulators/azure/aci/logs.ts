/**
 * Container log text as ACI's `listLogs` returns it (`{content}`: ContainerListLogs.json): whole
 * lines, optionally the last N (`tail`), optionally stamped (`timestamps`, both from containerInstance.json).
 * The RFC 3339 stamp format is assumed.
 */

/** Options of {@link logContent}. */
export interface LogOptions {
  /** Only the last `tail` lines. */
  tail?: number;
  /** Prefix each line with an RFC 3339 time, as `timestamps=true` does. */
  timestamps?: boolean;
  /** When the container started (the stamp the emulator uses for every line). */
  startedAt: number;
}

/** The `content` for `text` under `options`. */
export function logContent(text: string, options: LogOptions): string {
  if (text === '') return '';
  const endsWithNewline = text.endsWith('\n');
  let lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  if (options.tail !== undefined) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
  if (options.timestamps) {
    const stamp = new Date(options.startedAt).toISOString();
    lines = lines.map((line) => `${stamp} ${line}`);
  }
  if (lines.length === 0) return '';
  return `${lines.join('\n')}${endsWithNewline ? '\n' : ''}`;
}
