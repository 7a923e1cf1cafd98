/**
 * Edit distance with adjacent transpositions (optimal string alignment), so the common
 * typo `imgae` is one edit away from `image`, not two.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows keep memory at O(|b|) even for long tokens.
  let prevPrev: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, prevPrev[j - 2]! + 1);
      }
      row.push(best);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** Longer inputs are not typos of a flag or subcommand name; skip the quadratic work. */
const MAX_SUGGESTABLE_LENGTH = 40;

/**
 * The candidate the user most likely meant, or `undefined` when nothing is close.
 * Case is ignored; a unique prefix (`reg` → `registry`) also counts as close.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  if (typed.length === 0 || typed.length > MAX_SUGGESTABLE_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // About one typo per three letters. One- and two-letter names (short flags) are all one
  // edit apart, so for them only a case slip (`-T` for `-t`) is a credible typo.
  const allowed = best === undefined || best.length <= 2 ? 0 : Math.max(1, Math.floor(best.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  const prefixed = candidates.filter((c) => typed.length >= 2 && c.toLowerCase().startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
