import type { RunInfo } from '../build/acr-builds.ts';

/**
 * Where a registry's watch stands, kept in Redis between looks (and across restarts):
 * - `since`: per watched task (lowercase), when the watch of it began: runs created before that
 *   are history and never announced, so a new subscription starts from "now";
 * - `seen`: the ids of runs already announced (or skipped), newest last, bounded.
 * A run is new when its task is watched, it was created at or after that task's `since`, and its
 * id is not in `seen`. Comparing ids instead of times means a run that shows up late in the list
 * (ACR's clock, a run queued in the same second) is still announced once.
 */
export interface WatchCursor {
  since: Record<string, string>;
  seen: string[];
}

/**
 * How many run ids a cursor remembers. A look reads one page of at most `top` runs, and a run
 * leaves that page once `top` newer runs exist, so remembering many more than `top` ids means a
 * run still on the page is always remembered.
 */
export const SEEN_LIMIT = 500;

export function emptyCursor(): WatchCursor {
  return { since: {}, seen: [] };
}

/** A stored cursor, or an empty one for anything unreadable (the watch then starts from now). */
export function parseCursor(text: string | null | undefined): WatchCursor {
  if (!text) return emptyCursor();
  try {
    const raw = JSON.parse(text) as Partial<WatchCursor>;
    const since =
      raw.since && typeof raw.since === 'object'
        ? Object.fromEntries(Object.entries(raw.since).filter(([, v]) => typeof v === 'string' && !Number.isNaN(Date.parse(v))))
        : {};
    const seen = Array.isArray(raw.seen) ? raw.seen.filter((id): id is string => typeof id === 'string') : [];
    return { since, seen };
  } catch {
    return emptyCursor();
  }
}

export interface LookResult {
  /** Runs to announce, oldest first. */
  fresh: RunInfo[];
  /** The cursor to save once they are announced. */
  cursor: WatchCursor;
  /**
   * Every run of the page is new: more runs may have been created since the last look than one
   * page holds, and the older ones were not seen (logged; the page size keeps this rare).
   */
  pageFull: boolean;
}

/**
 * One look's decision: which of `runs` (one page, newest first) to announce, and the cursor
 * after it. `watched` are the tasks watched now; a task watched for the first time starts at its
 * own `since` (when it was subscribed) or else at `now`; a task no longer watched is forgotten.
 * `top` is the page size the look asked for.
 */
export function decideLook(
  cursor: WatchCursor,
  runs: readonly RunInfo[],
  watched: readonly { task: string; since?: string }[],
  now: Date,
  top: number,
): LookResult {
  const since: Record<string, string> = {};
  for (const w of watched) {
    const name = w.task.toLowerCase();
    since[name] = cursor.since[name] ?? since[name] ?? w.since ?? now.toISOString();
  }
  const seen = new Set(cursor.seen);
  const fresh: RunInfo[] = [];
  for (const run of [...runs].reverse()) {
    const task = run.taskName?.toLowerCase();
    const start = task === undefined ? undefined : since[task];
    if (start === undefined || seen.has(run.runId)) continue;
    // No createTime: ARM always sends one; without it the run cannot be placed, so it is treated as new.
    if (run.createTime && run.createTime.getTime() < Date.parse(start)) continue;
    fresh.push(run);
    seen.add(run.runId);
  }
  const ids = [...cursor.seen.filter((id) => seen.has(id)), ...fresh.map((r) => r.runId)];
  return {
    fresh,
    cursor: { since, seen: ids.slice(-SEEN_LIMIT) },
    pageFull: runs.length >= top && runs.every((r) => !cursor.seen.includes(r.runId)) && Object.keys(cursor.since).length > 0,
  };
}

/** The cursor with `runIds` forgotten, so the next look considers them again (a run put off). */
export function unsee(cursor: WatchCursor, runIds: readonly string[]): WatchCursor {
  return { since: cursor.since, seen: cursor.seen.filter((id) => !runIds.includes(id)) };
}
