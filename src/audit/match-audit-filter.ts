import type { AuditEvent, AuditFilter } from '../core/audit.ts';

/**
 * Whether `action` contains the dot-separated segments of `wanted` as a contiguous run,
 * case-insensitively: `deploy` and `aci.deploy` match `command.aci.deploy`; `dep` does not.
 * Whole segments, so `--action build` does not also pull in a future `rebuild`.
 */
export function actionMatches(action: string, wanted: string): boolean {
  const have = action.toLowerCase().split('.');
  const want = wanted.toLowerCase().split('.');
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((segment, i) => have[start + i] === segment)) return true;
  }
  return false;
}

/**
 * Whether an event passes the actor, environment and action parts of a filter. `since` is
 * not checked here: the Redis adapter applies it as the stream's id range, which is cheaper
 * and is the time the event was stored.
 */
export function matchesAuditFilter(event: AuditEvent, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && event.actor !== filter.actor) return false;
  if (filter.environment !== undefined && event.environment !== filter.environment) return false;
  if (filter.action !== undefined && !actionMatches(event.action, filter.action)) return false;
  return true;
}
