import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../../../src/core/build/acr-builds.ts';
import { decideLook, emptyCursor, parseCursor, SEEN_LIMIT, unsee, type WatchCursor } from '../../../../src/core/task-watch/cursor.ts';

const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const run = (runId: string, taskName: string, createdAfterS: number): RunInfo => ({
  runId,
  taskName,
  status: 'Queued',
  createTime: at(createdAfterS),
  outputImages: [],
});
/** Newest first, as runs.list answers. */
const page = (...runs: RunInfo[]) => [...runs].reverse();

describe('decideLook', () => {
  it('starts a new watch from now: runs created before the first look are history', () => {
    const look = decideLook(emptyCursor(), page(run('ca1', 'web', -60), run('ca2', 'web', -1)), [{ task: 'web' }], t0, 50);
    expect(look.fresh).toEqual([]);
    expect(look.cursor.since).toEqual({ web: t0.toISOString() });
  });

  it('a subscription starts when it was made, not at the first look after it', () => {
    const look = decideLook(emptyCursor(), page(run('ca1', 'web', -60), run('ca2', 'web', -10)), [{ task: 'web', since: at(-20).toISOString() }], t0, 50);
    expect(look.fresh.map((r) => r.runId)).toEqual(['ca2']);
  });

  it('announces each new run once, oldest first, across looks', () => {
    let cursor: WatchCursor = decideLook(emptyCursor(), [], [{ task: 'web' }, { task: 'api' }], t0, 50).cursor;
    const first = decideLook(cursor, page(run('ca1', 'web', 5), run('ca2', 'api', 6)), [{ task: 'web' }, { task: 'api' }], at(30), 50);
    expect(first.fresh.map((r) => r.runId)).toEqual(['ca1', 'ca2']);
    cursor = first.cursor;
    const second = decideLook(cursor, page(run('ca1', 'web', 5), run('ca2', 'api', 6), run('ca3', 'web', 40)), [{ task: 'web' }, { task: 'api' }], at(60), 50);
    expect(second.fresh.map((r) => r.runId)).toEqual(['ca3']);
    expect(second.cursor.seen).toEqual(['ca1', 'ca2', 'ca3']);
  });

  it('a run that shows up late (created before a run already announced) is still announced', () => {
    const cursor = decideLook(emptyCursor(), [], [{ task: 'web' }], t0, 50).cursor;
    const first = decideLook(cursor, page(run('ca2', 'web', 10)), [{ task: 'web' }], at(30), 50);
    const second = decideLook(first.cursor, page(run('ca1', 'web', 9), run('ca2', 'web', 10)), [{ task: 'web' }], at(60), 50);
    expect(second.fresh.map((r) => r.runId)).toEqual(['ca1']);
  });

  it('ignores runs of tasks not watched, matches task names without case, forgets unwatched tasks', () => {
    const cursor = decideLook(emptyCursor(), [], [{ task: 'BuildWeb' }, { task: 'api' }], t0, 50).cursor;
    const look = decideLook(cursor, page(run('ca1', 'buildweb', 5), run('ca2', 'other', 6)), [{ task: 'BuildWeb' }], at(30), 50);
    expect(look.fresh.map((r) => r.runId)).toEqual(['ca1']);
    expect(Object.keys(look.cursor.since)).toEqual(['buildweb']);
  });

  it('keeps the cursor bounded and says when a whole page was new', () => {
    const cursor = { since: { web: t0.toISOString() }, seen: Array.from({ length: SEEN_LIMIT }, (_, i) => `old${i}`) };
    const runs = page(...Array.from({ length: 3 }, (_, i) => run(`cb${i}`, 'web', i + 1)));
    const look = decideLook(cursor, runs, [{ task: 'web' }], at(30), 3);
    expect(look.cursor.seen).toHaveLength(SEEN_LIMIT);
    expect(look.cursor.seen.slice(-3)).toEqual(['cb0', 'cb1', 'cb2']);
    expect(look.pageFull).toBe(true);
    expect(decideLook(look.cursor, runs, [{ task: 'web' }], at(60), 3).pageFull).toBe(false);
  });

  it('a run put off is considered again at the next look', () => {
    const cursor = decideLook(emptyCursor(), [], [{ task: 'web' }], t0, 50).cursor;
    const look = decideLook(cursor, page(run('ca1', 'web', 5)), [{ task: 'web' }], at(10), 50);
    const again = decideLook(unsee(look.cursor, ['ca1']), page(run('ca1', 'web', 5)), [{ task: 'web' }], at(40), 50);
    expect(again.fresh.map((r) => r.runId)).toEqual(['ca1']);
  });
});

describe('parseCursor', () => {
  it('round-trips a cursor and reads anything broken as empty', () => {
    const cursor = { since: { web: t0.toISOString() }, seen: ['ca1'] };
    expect(parseCursor(JSON.stringify(cursor))).toEqual(cursor);
    expect(parseCursor('{not json')).toEqual(emptyCursor());
    expect(parseCursor(JSON.stringify({ since: { web: 'yesterday' }, seen: [1, 'ca2'] }))).toEqual({ since: {}, seen: ['ca2'] });
    expect(parseCursor(null)).toEqual(emptyCursor());
  });
});
