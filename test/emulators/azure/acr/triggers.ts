/**
 * Runs of a task that nobody scheduled through `scheduleRun`: what ACR does when a git push, a
 * base-image update or a timer fires one of the task's triggers, and a manual run someone starts
 * from the portal. Each becomes an ordinary run (timing, scenarios, log blob, pushed images; see
 * run.ts), listed by `runs.list` with the task's name in `task`.
 *
 * | what happened | `runType` | trigger field on the run | az's TRIGGER column |
 * |---|---|---|---|
 * | commit pushed | `AutoBuild` (Docker step), `AutoRun` (multi-step) | `sourceTrigger {id, eventType: 'Commit', commitId, repositoryUrl, branchName, providerType}` | `Commit` |
 * | base image updated | `AutoBuild` / `AutoRun` | `imageUpdateTrigger {id, timestamp, images: [{registry, repository, tag, digest}]}` | `Image Update` |
 * | timer fired | `AutoBuild` / `AutoRun` | `timerTrigger {timerTriggerName, scheduleOccurrence}` | `Timer` |
 * | portal "Run" | `QuickRun` | none | `Manual` |
 *
 * Sources: the three trigger shapes are the spec's `SourceTriggerDescriptor`, `ImageUpdateTrigger`
 * and `TimerTriggerDescriptor` (containerregistry_build.json, 2019-06-01-preview); `AutoBuild` with
 * an `imageUpdateTrigger` is the RunsGet.json / RunsList.json example. az prints `sourceTrigger.
 * eventType` verbatim, else `Timer` / `Image Update` / `Manual` (azure-cli acr/_format.py,
 * `_get_build_trigger`), and learn.microsoft.com container-registry-tutorial-build-task shows
 * `Commit` there, so ACR's `eventType` for a push is `Commit`. `AutoRun` for multi-step tasks
 * and for timers, `providerType` taking the trigger's `sourceControlType`, the timer occurrence
 * as ISO 8601 and `QuickRun` for a portal run: assumed.
 *
 * ACR reports no commit message: `SourceTriggerDescriptor` has no field for one.
 * Not modelled: ACR firing timers from their cron schedule on its own (a test fires an
 * occurrence), discovering a task's base images from its Dockerfile (a test names the task), the
 * delay before ACR notices a Docker Hub / MCR base-image update, and pull-request events.
 */
import { guid } from '../ids.ts';
import type { EmulatedRegistry } from './registry.ts';
import type { EmulatedRun, ImageDescriptor, RunType, SourceTriggerDescriptor } from './run.ts';
import type { AcrStore } from './store.ts';
import { runTask } from './tasks.ts';
import type { EmulatedTask } from './tasks.ts';

/** What `AcrEmulator.triggerCommit` asks for. */
export interface CommitEvent {
  commitId: string;
  /** Default: the trigger's branch (or `main` when the trigger names none). */
  branch?: string;
  /** The source trigger to fire (default: the first enabled commit trigger that matches the branch). */
  trigger?: string;
}

/** The new version of a base image, as `AcrEmulator.triggerBaseImageUpdate` reports it. */
export interface BaseImageUpdate {
  /** The base image's registry login server, e.g. `contosobase.azurecr.io` or `registry.hub.docker.com`. */
  registry: string;
  repository: string;
  tag: string;
  /** The new digest. */
  digest: string;
}

function where(registry: EmulatedRegistry, task: EmulatedTask): string {
  return `task '${task.name}' of registry '${registry.name}'`;
}

function requireEnabled(registry: EmulatedRegistry, task: EmulatedTask, what: string): void {
  if (task.properties.status !== 'Enabled') throw new Error(`The ${where(registry, task)} is disabled: ${what} does not run it.`);
}

/** A triggered run of a Docker-step task builds (`AutoBuild`); of a multi-step task, runs (`AutoRun`). */
function triggeredRunType(task: EmulatedTask): RunType {
  return task.properties.step.type === 'Docker' ? 'AutoBuild' : 'AutoRun';
}

/**
 * Runs `task` as ACR does when the repository webhook reports a commit. Throws when the task
 * (or every matching trigger) is disabled, or no commit trigger matches the branch.
 */
export function triggerCommit(store: AcrStore, registry: EmulatedRegistry, task: EmulatedTask, event: CommitEvent, now: number): EmulatedRun {
  requireEnabled(registry, task, 'a commit');
  const candidates = (task.properties.trigger?.sourceTriggers ?? []).filter((t) => t.status === 'Enabled' && t.sourceTriggerEvents.includes('commit'));
  const named = event.trigger ? candidates.filter((t) => t.name.toLowerCase() === event.trigger!.toLowerCase()) : candidates;
  const trigger = named.find((t) => event.branch === undefined || t.sourceRepository.branch === undefined || t.sourceRepository.branch === event.branch);
  if (!trigger) {
    const why =
      candidates.length === 0
        ? 'has no enabled commit trigger'
        : `has no enabled commit trigger${event.trigger ? ` named '${event.trigger}'` : ''} for branch '${event.branch ?? ''}'`;
    throw new Error(`The ${where(registry, task)} ${why}.`);
  }
  const repo = trigger.sourceRepository;
  const sourceTrigger: SourceTriggerDescriptor = {
    id: guid(),
    eventType: 'Commit',
    commitId: event.commitId,
    repositoryUrl: repo.repositoryUrl,
    branchName: event.branch ?? repo.branch ?? 'main',
    providerType: repo.sourceControlType,
  };
  return runTask(store, registry, task, { runType: triggeredRunType(task), task: task.name, sourceTrigger }, now);
}

/**
 * Runs `task` as ACR does when one of its base images gets a new digest. Throws when the task or
 * its base image trigger is disabled, or it has none.
 */
export function triggerBaseImageUpdate(store: AcrStore, registry: EmulatedRegistry, task: EmulatedTask, update: BaseImageUpdate, now: number): EmulatedRun {
  requireEnabled(registry, task, 'a base image update');
  const trigger = task.properties.trigger?.baseImageTrigger;
  if (trigger?.status !== 'Enabled') throw new Error(`The ${where(registry, task)} has no enabled base image trigger.`);
  const image: ImageDescriptor = { registry: update.registry, repository: update.repository, tag: update.tag, digest: update.digest };
  const imageUpdateTrigger = { id: guid(), timestamp: new Date(now).toISOString(), images: [image] };
  return runTask(store, registry, task, { runType: triggeredRunType(task), task: task.name, imageUpdateTrigger }, now);
}

/**
 * Runs `task` for one occurrence of a timer trigger (the named one, else the first enabled one).
 * Throws when the task or the timer is disabled, or no such timer exists.
 */
export function triggerTimer(
  store: AcrStore,
  registry: EmulatedRegistry,
  task: EmulatedTask,
  timerName: string | undefined,
  occurrence: number,
  now: number,
): EmulatedRun {
  requireEnabled(registry, task, 'a timer');
  const timers = task.properties.trigger?.timerTriggers ?? [];
  const timer = timerName ? timers.find((t) => t.name.toLowerCase() === timerName.toLowerCase()) : timers.find((t) => t.status === 'Enabled');
  if (timer?.status !== 'Enabled') throw new Error(`The ${where(registry, task)} has no enabled timer trigger${timerName ? ` named '${timerName}'` : ''}.`);
  const timerTrigger = { timerTriggerName: timer.name, scheduleOccurrence: new Date(occurrence).toISOString() };
  return runTask(store, registry, task, { runType: triggeredRunType(task), task: task.name, timerTrigger }, now);
}

/** A manual run of `task`, as the portal's Run button starts it: no trigger. Throws for a disabled task. */
export function startManualRun(store: AcrStore, registry: EmulatedRegistry, task: EmulatedTask, now: number): EmulatedRun {
  requireEnabled(registry, task, 'the portal');
  return runTask(store, registry, task, { runType: 'QuickRun', task: task.name }, now);
}
