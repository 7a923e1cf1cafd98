import type { Environment } from '../environments.ts';
import type { RegistryRef } from '../registry-ref.ts';

/** A `/acr task subscribe` stored in Redis (config-declared tasks win over it). */
export interface TaskSubscription {
  environment: string;
  /** The task name as the subscriber typed it. */
  task: string;
  channel: string;
  subscribedBy: string;
  at: string;
}

/** One task whose runs are announced: from `environments.<env>.tasks`, or a subscription. */
export interface WatchedTask {
  environment: string;
  task: string;
  channel: string;
  deploy?: { group: string };
  source: 'config' | 'subscription';
  /** When a subscription was made: its runs from then on are announced (config tasks: from the first look). */
  since?: string;
}

/** Every watched task of one registry: what one look (one ARM call) covers. */
export interface RegistryWatch {
  /** `subscription/resourceGroup/registry` (lowercase): the scheduler's and the cursor's key. */
  key: string;
  ref: RegistryRef;
  tasks: WatchedTask[];
}

/** The key of a registry's watch; run ids are unique within one registry only. */
export function registryWatchKey(ref: RegistryRef): string {
  return `${ref.subscriptionId}/${ref.resourceGroup}/${ref.registry}`.toLowerCase();
}

/**
 * The watched tasks, grouped by registry. A task named in the config wins over a subscription to
 * the same task of the same environment; subscriptions of environments that are gone or have no
 * registry are left out. Two environments sharing a registry share its one look.
 */
export function watchedRegistries(environments: Readonly<Record<string, Environment>>, subscriptions: readonly TaskSubscription[]): RegistryWatch[] {
  const byKey = new Map<string, RegistryWatch>();
  const add = (name: string, env: Environment, task: WatchedTask) => {
    const ref = { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, registry: env.registry! };
    const key = registryWatchKey(ref);
    const watch = byKey.get(key) ?? { key, ref, tasks: [] };
    byKey.set(key, watch);
    const same = watch.tasks.find((t) => t.environment === name && t.task.toLowerCase() === task.task.toLowerCase());
    if (!same) watch.tasks.push(task);
  };
  for (const [name, env] of Object.entries(environments)) {
    if (!env.registry) continue;
    for (const [task, watch] of Object.entries(env.tasks ?? {})) {
      add(name, env, { environment: name, task, channel: watch.channel, ...(watch.deploy && { deploy: { group: watch.deploy.group } }), source: 'config' });
    }
  }
  for (const sub of subscriptions) {
    const env = Object.hasOwn(environments, sub.environment) ? environments[sub.environment] : undefined;
    if (!env?.registry) continue;
    add(sub.environment, env, { environment: sub.environment, task: sub.task, channel: sub.channel, source: 'subscription', since: sub.at });
  }
  return [...byKey.values()];
}

/** The config's watch of a task, if it declares one (then `/acr task unsubscribe` cannot remove it). */
export function configuredWatch(env: Environment, task: string): { name: string; channel: string } | undefined {
  const entry = Object.entries(env.tasks ?? {}).find(([name]) => name.toLowerCase() === task.toLowerCase());
  return entry ? { name: entry[0], channel: entry[1].channel } : undefined;
}
