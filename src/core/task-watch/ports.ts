import type { WatchCursor } from './cursor.ts';
import type { TaskSubscription } from './watched-tasks.ts';

/** What the task watcher keeps in Redis: subscriptions, each registry's cursor, the look gate. */
export interface TaskWatchStore {
  subscriptions(): Promise<TaskSubscription[]>;
  /** Adds or replaces the subscription of `environment`'s task; `updated` when one existed. */
  subscribe(subscription: TaskSubscription): Promise<'added' | 'updated'>;
  /** Removes it; the removed subscription, or `undefined` when there was none. */
  unsubscribe(environment: string, task: string): Promise<TaskSubscription | undefined>;
  cursor(registryKey: string): Promise<WatchCursor>;
  saveCursor(registryKey: string, cursor: WatchCursor): Promise<void>;
  dropCursor(registryKey: string): Promise<void>;
  /**
   * Takes the registry's look for the time slot `at` falls in (slots of `everyMs`, aligned on
   * the epoch): false when a look already happened in that slot (another instance's scheduler,
   * a retried job), so ARM is asked at most once per slot, whatever runs the looks.
   */
  claimLook(registryKey: string, everyMs: number, at: Date): Promise<boolean>;
}

/** The watcher's job schedulers: one per watched registry, whatever the number of workers. */
export interface WatchSchedules {
  /** Creates (or keeps) the registry's scheduler. */
  ensure(registryKey: string): Promise<void>;
  remove(registryKey: string): Promise<void>;
  /** Registry keys that have a scheduler now. */
  keys(): Promise<string[]>;
}

/** Job data of one look at a registry (the scheduler's template). */
export interface TaskWatchJobData {
  jobId: string;
  registryKey: string;
}

/** The newest task-run deploy queued for a container group (dev follows main). */
export interface TaskDeployEntry {
  jobId: string;
  runId: string;
  /** The run's createTime, ISO: newer runs win. */
  runCreatedAt: string;
  commitId?: string;
}

/** Which task-run deploy of a container group is the current one; older ones still waiting step aside. */
export interface TaskDeploys {
  /**
   * Makes `entry` the group's current deploy unless a newer run's is: returns the entry it
   * replaced (`previous`), or the newer one that stays current (`newer`, and `entry` is not taken).
   */
  offer(groupKey: string, entry: TaskDeployEntry): Promise<{ taken: true; previous?: TaskDeployEntry } | { taken: false; newer: TaskDeployEntry }>;
  current(groupKey: string): Promise<TaskDeployEntry | undefined>;
}

/** What `/acr task subscribe|unsubscribe` changes: the stored subscriptions and the registries' watchers. */
export interface TaskWatchControl {
  store: TaskWatchStore;
  schedules: WatchSchedules;
  /** Time between looks, for the answer. */
  everyMs: number;
}
