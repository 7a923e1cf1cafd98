/**
 * The `$filter` of one look at a registry's watched tasks. The spec's `RunFilter` (Runs_List,
 * containerregistry_build.json, 2019-06-01-preview) takes `taskName` and says "All logical
 * operators except 'Not', 'Has', 'All' are allowed", so every watched task goes in one call,
 * joined with `or`; az writes the field `TaskName` and quotes the name (acr/task.py,
 * `_add_run_filter`). OData doubles a quote inside a string literal.
 */
export function taskRunsFilter(taskNames: readonly string[]): string {
  if (taskNames.length === 0) throw new Error('a look needs at least one task');
  const byKey = new Map<string, string>();
  for (const name of taskNames) if (!byKey.has(name.toLowerCase())) byKey.set(name.toLowerCase(), name);
  // Sorted, so the same tasks give the same filter whatever order they were watched in.
  const unique = [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, name]) => name);
  return unique.map((name) => `TaskName eq '${name.replace(/'/g, "''")}'`).join(' or ');
}
