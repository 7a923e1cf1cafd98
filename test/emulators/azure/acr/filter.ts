/**
 * The OData `$filter` subset ACR's `runs.list` understands, e.g.
 * `createTime ge 2024-05-01T10:00:00Z and status eq 'Failed'`: comparisons joined with `and`,
 * strings in single quotes, date-times bare (or quoted). Field names are case-insensitive.
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
