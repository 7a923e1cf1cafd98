import type { ContainerGroupView } from '../src/core/deploy/container-group.ts';

/** A group lock outlives a crashed holder by this much at most; holders refresh it at every step. */
export const lockTtlMs = 10 * 60_000;

/** The group's latest events as plain lines, newest last, for a thread note. */
export function describeEvents(group: ContainerGroupView, max = 10): string {
  const lines = group.events
    .slice(-max)
    .map((e) =>
      `${e.time ? `${e.time.toISOString().slice(11, 19)} ` : ''}${e.container ? `[${e.container}] ` : ''}${e.type ?? ''} ${e.name ?? ''}: ${e.message ?? ''}`.trim(),
    );
  return `Events of ${group.name}:\n${lines.join('\n')}`;
}
