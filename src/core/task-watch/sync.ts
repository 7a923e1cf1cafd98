import type { Environment } from '../environments.ts';
import type { TaskWatchStore, WatchSchedules } from './ports.ts';
import { watchedRegistries } from './watched-tasks.ts';

/**
 * Makes the schedulers match what is watched (at worker start-up, after a config change): one
 * per registry with a watched task, none for a registry without. Returns the watched registries' keys.
 */
export async function syncWatchSchedules(
  environments: Readonly<Record<string, Environment>>,
  store: TaskWatchStore,
  schedules: WatchSchedules,
): Promise<string[]> {
  const wanted = watchedRegistries(environments, await store.subscriptions()).map((w) => w.key);
  for (const key of wanted) await schedules.ensure(key);
  for (const key of await schedules.keys()) {
    if (!wanted.includes(key)) await schedules.remove(key);
  }
  return wanted;
}
