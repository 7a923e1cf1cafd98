/**
 * The OData `$filter` subset the emulator's `runs.list` understands: comparisons joined with
 * `and`, strings in single quotes. Documented forms are the ones az sends, `TaskName eq '…'` and
 * `Status eq '…'` joined with `and` (Azure/azure-cli acr/task.py, `_add_run_filter`); the REST
 * reference (Runs - List) only says arithmetic operators are not supported. Field names compared
 * without case, the other fields and date-time literals (bare or quoted ISO 8601): assumed — the
 * product filters times itself and must not depend on them.
 */
import type { EmulatedRun } from './run.ts';

type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type Field = { kind: 'time'; get: (r: EmulatedRun) => number | undefined } | { kind: 'text'; get: (r: EmulatedRun) => string | undefined };

const FIELDS: Record<string, Field> = {
  runid: { kind: 'text', get: (r) => r.runId },
  status: { kind: 'text', get: (r) => r.status },
  runtype: { kind: 'text', get: (r) => r.origin.runType },
  taskname: { kind: 'text', get: (r) => r.origin.task },
  createtime: { kind: 'time', get: (r) => r.createdAt },
  starttime: { kind: 'time', get: (r) => r.startTime },
  finishtime: { kind: 'time', get: (r) => r.finishTime },
  lastupdatedtime: { kind: 'time', get: (r) => r.lastUpdated },
};

/** Splits on ` and ` outside quotes. */
function clauses(filter: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  const words = filter.split(/(\s+)/);
  for (const word of words) {
    const quotes = (word.match(/'/g) ?? []).length;
    if (!quoted && /^and$/i.test(word)) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += word;
    if (quotes % 2 === 1) quoted = !quoted;
  }
  out.push(current.trim());
  return out;
}

function compare(a: number | string, op: Op, b: number | string): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

/** Parses a filter into a predicate, or explains why it cannot. */
export function parseRunFilter(filter: string): { ok: true; test: (run: EmulatedRun) => boolean } | { ok: false; message: string } {
  const tests: ((run: EmulatedRun) => boolean)[] = [];
  for (const clause of clauses(filter)) {
    const m = /^(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(?:datetime)?('(?:[^']|'')*'|\S+)$/i.exec(clause);
    if (!m) return { ok: false, message: `Invalid $filter clause '${clause}'.` };
    const field = FIELDS[m[1]!.toLowerCase()];
    if (!field) return { ok: false, message: `Filtering on '${m[1]}' is not supported.` };
    const op = m[2]!.toLowerCase() as Op;
    const raw = m[3]!.startsWith("'") ? m[3]!.slice(1, -1).replace(/''/g, "'") : m[3]!;
    if (field.kind === 'time') {
      const value = Date.parse(raw);
      if (Number.isNaN(value)) return { ok: false, message: `'${raw}' is not a valid date-time in $filter.` };
      tests.push((run) => {
        const actual = field.get(run);
        return actual !== undefined && compare(actual, op, value);
      });
    } else {
      const value = raw.toLowerCase();
      tests.push((run) => {
        const actual = field.get(run)?.toLowerCase();
        return actual !== undefined && compare(actual, op, value);
      });
    }
  }
  return { ok: true, test: (run) => tests.every((t) => t(run)) };
}
