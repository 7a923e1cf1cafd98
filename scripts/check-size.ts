/**
 * `node scripts/check-size.ts [dir…]` (default `src jobs`): lists every function over 80 lines
 * and every file over 300 lines in the TypeScript below those folders, and exits 1 when there
 * is any that `size-known.json` does not list (at its size or smaller). `npm test` runs it;
 * see `size-limits.ts` for what counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, limits, oversized, type Oversize } from './size-limits.ts';

const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'jobs'];
const files = dirs
  .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort();

/**
 * What is over today and being split elsewhere: `file` + `name` → lines at most, as measured
 * after Biome's formatting pass. It may only shrink; delete an entry once within the limits.
 */
const known: { file: string; name: string; lines: number }[] = JSON.parse(readFileSync(new URL('./size-known.json', import.meta.url), 'utf8'));
const allowed = (o: Oversize) => known.some((k) => k.file === o.file && k.name === o.name && o.lines <= k.lines);

const found = files.flatMap((f) => oversized(f, readFileSync(f, 'utf8')));
for (const o of found) console.log(`${allowed(o) ? 'known ' : ''}${describe(o)}`);
const stale = known.filter((k) => !found.some((o) => o.file === k.file && o.name === k.name));
for (const k of stale) console.log(`size-known.json lists ${k.file} ${k.name}, which is within the limits now: delete the entry`);
const news = found.filter((o) => !allowed(o));
if (news.length > 0) {
  console.error(`\n${news.length} over the size limits (functions ${limits.functionLines} lines, files ${limits.fileLines}): split them.`);
  process.exit(1);
}
console.log(
  `size: ${files.length} files in ${dirs.join(', ')}; ${found.length - news.length} known over ${limits.functionLines} lines a function or ${limits.fileLines} a file`,
);
