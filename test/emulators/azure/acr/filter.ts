/**
 * The OData `$filter` of `runs.list`, as the 2019-06-01-preview spec defines it
 * (containerregistry_build.json, Runs_List and `x-ms-odata: #/definitions/RunFilter`):
 *
 * - fields: the `RunFilter` properties only, `runId`, `runType`, `status`, `createTime`,
 *   `finishTime`, `outputImageManifests`, `isArchiveEnabled`, `taskName`, `agentPoolName`; field
 *   names compared without case, since az sends `TaskName`, `Status`, `OutputImageManifests`
 *   (azure-cli acr/task.py, `_add_run_filter`) where the spec spells them in camelCase;
 * - "Arithmetic operators are not supported. The allowed string function is 'contains'. All
 *   logical operators except 'Not', 'Has', 'All' are allowed": comparisons (`eq ne gt ge lt le`)
 *   joined with `and` / `or`, parentheses, `contains(field, 'text')`;
 * - `outputImageManifests` is "the list of comma-separated image manifests that were generated
 *   from the run"; az looks a pushed image up with `contains(OutputImageManifests, '<repo>@<digest>')`,
 *   so each entry is `repository@digest`.
 *
 * Assumed: OData's null rules for a property a run lacks (`ne` matches, nothing else does), string literals in single quotes (`''` for a quote) compared without case, date-times
 * bare or quoted ISO 8601 (or `datetime'…'`), `true` / `false` for `isArchiveEnabled`, and every
 * refusal being a 400 (routes.ts) with this module's wording.
 */
import type { EmulatedRun } from './run.ts';

type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
type Field =
  | { kind: 'time'; get: (r: EmulatedRun) => number | undefined }
  | { kind: 'text'; get: (r: EmulatedRun) => string | undefined }
  | { kind: 'boolean'; get: (r: EmulatedRun) => boolean };
type Test = (run: EmulatedRun) => boolean;

/** What a run lists under `outputImageManifests`: the images of `outputImages` (a succeeded, pushing run's). */
function outputImageManifests(run: EmulatedRun): string | undefined {
  if (run.status !== 'Succeeded' || !(run.request.isPushEnabled ?? true)) return undefined;
  return run.images.map((i) => `${i.repository}@${i.digest}`).join(',');
}

const FIELDS: Record<string, Field> = {
  runid: { kind: 'text', get: (r) => r.runId },
  runtype: { kind: 'text', get: (r) => r.origin.runType },
  status: { kind: 'text', get: (r) => r.status },
  createtime: { kind: 'time', get: (r) => r.createdAt },
  finishtime: { kind: 'time', get: (r) => r.finishTime },
  outputimagemanifests: { kind: 'text', get: outputImageManifests },
  isarchiveenabled: { kind: 'boolean', get: (r) => r.isArchiveEnabled },
  taskname: { kind: 'text', get: (r) => r.origin.task },
  agentpoolname: { kind: 'text', get: (r) => r.request.agentPoolName },
};

const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const REFUSED_LOGICAL = new Set(['not', 'has', 'all']);
const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'divby', 'mod', 'neg']);

class FilterError extends Error {}

interface Token {
  kind: 'string' | 'word' | '(' | ')' | ',';
  text: string;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c });
      i += 1;
    } else if (c === "'") {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= filter.length) throw new FilterError('A string literal in $filter is not closed.');
        if (filter[i] === "'" && filter[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (filter[i] === "'") {
          i += 1;
          break;
        } else {
          text += filter[i];
          i += 1;
        }
      }
      tokens.push({ kind: 'string', text });
    } else {
      const m = /^[^\s(),']+/.exec(filter.slice(i))!;
      // `datetime'2024-…'` is one literal.
      if (/^datetime$/i.test(m[0]) && filter[i + m[0].length] === "'") {
        i += m[0].length;
        continue;
      }
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** OData's null: a run without the property equals nothing, differs from everything, and does not order. */
function compare<T extends number | string | boolean>(a: T | undefined, op: Op, b: T): boolean {
  if (a === undefined) return op === 'ne';
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

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Test {
    const test = this.#or();
    const rest = this.#peek();
    if (rest) throw new FilterError(`Unexpected '${rest.text}' in $filter.`);
    return test;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at];
  }

  #next(what: string): Token {
    const token = this.#tokens[this.#at];
    if (!token) throw new FilterError(`The $filter ends where ${what} was expected.`);
    this.#at += 1;
    return token;
  }

  #isWord(word: string): boolean {
    const token = this.#peek();
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  #or(): Test {
    return this.#joined(
      'or',
      () => this.#and(),
      (tests) => (run) => tests.some((t) => t(run)),
    );
  }

  #and(): Test {
    return this.#joined(
      'and',
      () => this.#primary(),
      (tests) => (run) => tests.every((t) => t(run)),
    );
  }

  /** `operand (word operand)*`, combined by `combine` when there is more than one. */
  #joined(word: 'and' | 'or', operand: () => Test, combine: (tests: Test[]) => Test): Test {
    const tests = [operand()];
    while (this.#isWord(word)) {
      this.#at += 1;
      tests.push(operand());
    }
    return tests.length === 1 ? tests[0]! : combine(tests);
  }

  #primary(): Test {
    const token = this.#next('a condition');
    if (token.kind === '(') {
      const inner = this.#or();
      if (this.#next("')'").kind !== ')') throw new FilterError("A '(' in $filter is not closed.");
      return inner;
    }
    if (token.kind !== 'word') throw new FilterError(`Unexpected '${token.text}' in $filter: a field name was expected.`);
    const word = token.text.toLowerCase();
    if (REFUSED_LOGICAL.has(word)) throw new FilterError(`The logical operator '${token.text}' is not supported in $filter.`);
    if (this.#peek()?.kind === '(') return this.#function(token.text);
    const field = this.#field(token.text);
    const opToken = this.#next('an operator');
    const op = opToken.text.toLowerCase();
    if (ARITHMETIC.has(op)) throw new FilterError(`Arithmetic operators are not supported in $filter ('${opToken.text}').`);
    if (opToken.kind !== 'word' || !COMPARISONS.has(op)) throw new FilterError(`'${opToken.text}' is not a comparison operator (eq, ne, gt, ge, lt, le).`);
    return this.#comparison(token.text, field, op as Op, this.#next('a value'));
  }

  #field(name: string): Field {
    const field = FIELDS[name.toLowerCase()];
    if (!field) throw new FilterError(`Could not find a property named '${name}' on type 'RunFilter'.`);
    return field;
  }

  #function(name: string): Test {
    if (name.toLowerCase() !== 'contains')
      throw new FilterError(`The function '${name}' is not supported in $filter: the allowed string function is 'contains'.`);
    this.#next("'('");
    const fieldToken = this.#next('a field name');
    const field = this.#field(fieldToken.text);
    if (field.kind !== 'text') throw new FilterError(`'contains' needs a string property; '${fieldToken.text}' is not one.`);
    if (this.#next("','").kind !== ',') throw new FilterError("'contains' takes a property and a string, separated by ','.");
    const value = this.#next('a string');
    if (value.kind !== 'string') throw new FilterError("The second argument of 'contains' must be a string in single quotes.");
    if (this.#next("')'").kind !== ')') throw new FilterError("'contains(' in $filter is not closed.");
    const needle = value.text.toLowerCase();
    return (run) => field.get(run)?.toLowerCase().includes(needle) ?? false;
  }

  #comparison(name: string, field: Field, op: Op, value: Token): Test {
    if (value.kind !== 'string' && value.kind !== 'word') throw new FilterError(`A value was expected after '${name} ${op}'.`);
    switch (field.kind) {
      case 'time': {
        const at = Date.parse(value.text);
        if (Number.isNaN(at)) throw new FilterError(`'${value.text}' is not a valid date-time for '${name}'.`);
        return (run) => compare(field.get(run), op, at);
      }
      case 'boolean': {
        const text = value.text.toLowerCase();
        if (value.kind !== 'word' || (text !== 'true' && text !== 'false')) throw new FilterError(`'${name}' takes true or false, not '${value.text}'.`);
        return (run) => compare(field.get(run), op, text === 'true');
      }
      case 'text': {
        if (value.kind !== 'string') throw new FilterError(`The value compared with '${name}' must be a string in single quotes.`);
        const expected = value.text.toLowerCase();
        return (run) => compare(field.get(run)?.toLowerCase(), op, expected);
      }
    }
  }
}

/** Parses a filter into a predicate, or explains why ACR would refuse it. */
export function parseRunFilter(filter: string): { ok: true; test: (run: EmulatedRun) => boolean } | { ok: false; message: string } {
  try {
    return { ok: true, test: new Parser(tokenize(filter)).parse() };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false, message: `Invalid $filter '${filter}': ${error.message}` };
    throw error;
  }
}
