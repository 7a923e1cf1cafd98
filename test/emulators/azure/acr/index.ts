/**
 * Test controls of the emulated Azure Container Registry (`emulator.acr`): declare registries,
 * script how runs end, force completions, read runs and logs; declare repository-scoped tokens
 * and check their passwords; inspect ACR Tasks and fire their triggers (a commit push, a base-image
 * update, a timer) or run them from the "portal"; shape `importImage` (slow, failing, pull denied
 * on a source, public images) and read its operations; declare and inspect scope maps and
 * geo-replicas, read a registry's sku and admin-user setting, and count ARM calls per registry.
 */
import { checkTokenPassword, newTokenPassword, provisioningState, TOKEN_SLOTS, validTokenName } from './tokens.ts';
import type { TokenPasswordState, TokenSlot, TokenStatus } from './tokens.ts';
import { startManualRun, triggerBaseImageUpdate, triggerCommit, triggerTimer } from './triggers.ts';
import type { CommitEvent } from './triggers.ts';
import type { ImportFailure, ImportSnapshot } from './import-image.ts';
import type { RecordedRequest } from '../http.ts';
import { digestOf } from '../ids.ts';
import type { EmulatedTask, SourceControlType, StepType, TaskStatus as AcrTaskStatus } from './tasks.ts';
import { endRun, runJson } from './run.ts';
import type { DockerBuildRequest, RunJson, RunOutcome, RunScenario } from './run.ts';
import type { EmulatedRegistry, RegistryOptions, RegistrySku } from './registry.ts';
import { allReplications, replicationSnapshot, seedReplication } from './replications.ts';
import type { ReplicationSnapshot } from './replications.ts';
import { findScopeMap, scopeMapProblem, scopeMapSnapshot, validScopeMapName } from './scope-maps.ts';
import type { ScopeMapSnapshot } from './scope-maps.ts';
import type { AcrStore, AcrTiming } from './store.ts';

export type { RegistryOptions, RegistrySku } from './registry.ts';
export type { ReplicationSnapshot } from './replications.ts';
export type { ScopeMapSnapshot, ScopeMapType } from './scope-maps.ts';
export type { RunJson, RunOutcome, RunScenario, RunStatus } from './run.ts';
export type { AcrTiming } from './store.ts';
export type { TokenSlot, TokenStatus } from './tokens.ts';
export type { SourceControlType, StepType, TaskStatus as AcrTaskStatus } from './tasks.ts';
export type { BaseImageUpdate, CommitEvent } from './triggers.ts';
export type { ImportFailure, ImportMode, ImportSnapshot } from './import-image.ts';
export type { ImageDescriptor, ImageUpdateTrigger, RunType, SourceTriggerDescriptor, TimerTriggerDescriptor } from './run.ts';

/** Options of {@link AcrEmulator.addToken}. */
export interface AddTokenOptions {
  /** Default: the registry's `_repositories_pull` scope map. */
  scopeMapId?: string;
  /** Default `enabled`. */
  status?: TokenStatus;
  /** Default: `password1` with a random value. `[]`: no passwords. */
  passwords?: { name: TokenSlot; value?: string; expiry?: Date; creationTime?: Date }[];
}

/** A token as {@link AcrEmulator.token} shows it. */
export interface TokenSnapshot {
  id: string;
  name: string;
  status: TokenStatus;
  scopeMapId: string;
  /** `Creating` / `Updating` while a PUT / PATCH operation is in progress, else `Succeeded`. */
  provisioningState: string;
  /** Present slots, `password1` first. */
  passwords: { name: TokenSlot; creationTime: Date; expiry?: Date }[];
}

/** An ACR task as {@link AcrEmulator.task} shows it (no secret values; see {@link AcrEmulator.taskGitToken}). */
export interface TaskSnapshot {
  id: string;
  name: string;
  location: string;
  status: AcrTaskStatus;
  creationDate: Date;
  platform: { os: string; architecture?: string; variant?: string };
  timeout: number;
  cpu: number;
  step: {
    type: StepType;
    contextPath?: string;
    dockerFilePath?: string;
    taskFilePath?: string;
    imageNames: string[];
    isPushEnabled: boolean;
    /** Names of all arguments, secret ones included. */
    argumentNames: string[];
  };
  sourceTriggers: {
    name: string;
    sourceControlType: SourceControlType;
    repositoryUrl: string;
    branch?: string;
    events: ('commit' | 'pullrequest')[];
    status: AcrTaskStatus;
    tokenType?: 'PAT' | 'OAuth';
    hasToken: boolean;
  }[];
  baseImageTrigger?: { name: string; baseImageTriggerType: 'All' | 'Runtime'; status: AcrTaskStatus };
  timerTriggers: { name: string; schedule: string; status: AcrTaskStatus }[];
  /** Whether any source trigger holds a git access token. */
  hasGitToken: boolean;
}

function taskSnapshot(t: EmulatedTask): TaskSnapshot {
  const p = t.properties;
  const sourceTriggers = (p.trigger?.sourceTriggers ?? []).map((s) => {
    const auth = s.sourceRepository.sourceControlAuthProperties;
    return {
      name: s.name,
      sourceControlType: s.sourceRepository.sourceControlType,
      repositoryUrl: s.sourceRepository.repositoryUrl,
      ...(s.sourceRepository.branch !== undefined && { branch: s.sourceRepository.branch }),
      events: [...s.sourceTriggerEvents],
      status: s.status,
      ...(auth && { tokenType: auth.tokenType }),
      hasToken: !!auth?.token,
    };
  });
  const base = p.trigger?.baseImageTrigger;
  return {
    id: t.id,
    name: t.name,
    location: t.location,
    status: p.status,
    creationDate: new Date(t.created),
    platform: { ...p.platform },
    timeout: p.timeout,
    cpu: p.agentConfiguration.cpu,
    step: {
      type: p.step.type,
      ...(p.step.contextPath !== undefined && { contextPath: p.step.contextPath }),
      ...(p.step.dockerFilePath !== undefined && { dockerFilePath: p.step.dockerFilePath }),
      ...(p.step.taskFilePath !== undefined && { taskFilePath: p.step.taskFilePath }),
      imageNames: [...(p.step.imageNames ?? [])],
      isPushEnabled: p.step.type === 'Docker' && (p.step.isPushEnabled ?? true),
      argumentNames: (p.step.arguments ?? p.step.values ?? []).map((a) => a.name),
    },
    sourceTriggers,
    ...(base && { baseImageTrigger: { name: base.name, baseImageTriggerType: base.baseImageTriggerType, status: base.status } }),
    timerTriggers: (p.trigger?.timerTriggers ?? []).map((x) => ({ ...x })),
    hasGitToken: sourceTriggers.some((s) => s.hasToken),
  };
}

/** A declared registry. */
export interface RegistryInfo {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  loginServer: string;
  /** ARM resource id. */
  id: string;
  runIdPrefix: string;
  sku: RegistrySku;
  adminUserEnabled: boolean;
  zoneRedundancy: 'Enabled' | 'Disabled';
  tags: Record<string, string>;
}

function registryInfo(r: EmulatedRegistry): RegistryInfo {
  return {
    subscriptionId: r.subscriptionId,
    resourceGroup: r.resourceGroup,
    name: r.name,
    location: r.location,
    loginServer: r.loginServer,
    id: r.id,
    runIdPrefix: r.runIdPrefix,
    sku: r.sku,
    adminUserEnabled: r.adminUserEnabled,
    zoneRedundancy: r.zoneRedundancy,
    tags: { ...r.tags },
  };
}

/** `emulator.acr`: controls and inspection of the emulated Azure Container Registry. */
export class AcrEmulator {
  readonly #store: AcrStore;
  readonly #clock: () => number;
  readonly #requests: () => readonly RecordedRequest[];

  /** @internal Created by the emulator. */
  constructor(store: AcrStore, clock: () => number, requests: () => readonly RecordedRequest[]) {
    this.#store = store;
    this.#clock = clock;
    this.#requests = requests;
  }

  /** Run timing defaults; change fields to affect runs scheduled afterwards. */
  get timing(): AcrTiming {
    return this.#store.timing;
  }

  /** Scenario for runs without a queued one. Image names containing `fail` still make a run fail. */
  get defaultScenario(): RunScenario {
    return this.#store.defaultScenario;
  }
  set defaultScenario(scenario: RunScenario) {
    this.#store.defaultScenario = scenario;
  }

  /** Runs per `runs.list` page before a `nextLink` (default 20). */
  get pageSize(): number {
    return this.#store.pageSize;
  }
  set pageSize(size: number) {
    this.#store.pageSize = size;
  }

  /** Lifetime of log SAS links (default one hour). */
  get logLinkTtlMs(): number {
    return this.#store.logLinkTtlMs;
  }
  set logLinkTtlMs(ms: number) {
    this.#store.logLinkTtlMs = ms;
  }

  /**
   * Declares a registry (and its subscription and resource group). Requests for undeclared
   * ones get ARM's 404s. Run ids use a per-registry prefix: `ca1, ca2, …` for the first
   * registry, `cb1, …` for the second, unless `runIdPrefix` says otherwise. `replications`
   * (Premium only) declares finished geo-replicas named after their locations; throws for a
   * location ACR would refuse.
   */
  addRegistry(options: RegistryOptions): RegistryInfo {
    if (options.replications?.length && (options.sku ?? 'Standard') !== 'Premium') {
      throw new Error(`Registry '${options.name}' has replications but is not Premium: geo-replication needs the Premium sku.`);
    }
    const now = this.#clock();
    const r = this.#store.addRegistry(options, now);
    for (const location of options.replications ?? []) seedReplication(this.#store.replications, r, location, now);
    return registryInfo(r);
  }

  /** A declared registry as ARM knows it now (sku, admin user, tags, …), or `undefined`. */
  registry(name: string): RegistryInfo | undefined {
    const r = this.#store.registries.get(name.toLowerCase());
    return r ? registryInfo(r) : undefined;
  }

  /** The registry's geo-replicas as `replications.list` would show them now: the home one first (Premium only), then by name. */
  replications(registryName: string): ReplicationSnapshot[] {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    const now = this.#clock();
    return allReplications(this.#store.replications, registry, now).map((r) => replicationSnapshot(registry, r, now));
  }

  /**
   * How long replication PUT / PATCH / DELETE operations run (default 0: done at the first
   * poll). Meanwhile the replica shows `Creating` / `Updating` / `Deleting`; a deleted replica
   * is gone once its deletion has run.
   */
  get replicationOperationMs(): number {
    return this.#store.replications.operationMs;
  }
  set replicationOperationMs(ms: number) {
    this.#store.replications.operationMs = ms;
  }

  /** Replicas per `replications.list` page before a `nextLink` (default 20). */
  get replicationPageSize(): number {
    return this.#store.replications.pageSize;
  }
  set replicationPageSize(size: number) {
    this.#store.replications.pageSize = size;
  }

  /** A scope map of the registry (system-defined ones included), or `undefined`. */
  scopeMap(registryName: string, name: string): ScopeMapSnapshot | undefined {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    const m = registry && findScopeMap(this.#store.scopeMaps, registry, name);
    return m ? scopeMapSnapshot(m) : undefined;
  }

  /**
   * Declares a user-defined scope map, as `scopeMaps.beginCreate` would create it. Throws for an
   * undeclared registry, an existing or invalid name, or actions / description ACR would refuse.
   */
  addScopeMap(registryName: string, name: string, actions: string[], description?: string): { id: string } {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    if (!validScopeMapName(name)) throw new Error(`Scope map name '${name}' is invalid: 5-50 letters, digits, hyphens and underscores.`);
    if (findScopeMap(this.#store.scopeMaps, registry, name)) throw new Error(`Scope map '${name}' already exists in registry '${registry.name}'.`);
    const problem = scopeMapProblem(actions, description, true);
    if (problem) throw new Error(problem);
    const id = `${registry.id}/scopeMaps/${name}`;
    this.#store.scopeMaps.of(registry.name).set(name.toLowerCase(), {
      id,
      name,
      type: 'UserDefined',
      actions: [...actions],
      created: this.#clock(),
      ...(description !== undefined && { description }),
    });
    return { id };
  }

  /** Tokens per `tokens.list` page before a `nextLink` (default 20). */
  get tokenPageSize(): number {
    return this.#store.tokens.pageSize;
  }
  set tokenPageSize(size: number) {
    this.#store.tokens.pageSize = size;
  }

  /**
   * How long token operations (PUT, PATCH, DELETE, generateCredentials) report "in progress"
   * to the SDK's poller (default 0: done at the first poll). Their effect is immediate either way.
   */
  get tokenOperationMs(): number {
    return this.#store.tokens.operationMs;
  }
  set tokenOperationMs(ms: number) {
    this.#store.tokens.operationMs = ms;
  }

  /**
   * Declares a repository-scoped token of a declared registry. Passwords: `password1` with a
   * random value unless `passwords` says otherwise (`[]` for none); values are random unless
   * given, creation times default to now, no expiry unless given. Scope map default:
   * the registry's `_repositories_pull`. Throws for an undeclared registry, a name ACR would
   * refuse (5-50 letters, digits, hyphens) or a token that already exists.
   */
  addToken(registryName: string, tokenName: string, options: AddTokenOptions = {}): { id: string } {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    if (!validTokenName(tokenName)) throw new Error(`Token name '${tokenName}' is invalid: ACR token names are 5-50 letters, digits and hyphens.`);
    const tokens = this.#store.tokens.of(registry.name);
    if (tokens.has(tokenName.toLowerCase())) throw new Error(`Token '${tokenName}' already exists in registry '${registry.name}'.`);
    const id = `${registry.id}/tokens/${tokenName}`;
    const now = this.#clock();
    const passwords = new Map<TokenSlot, TokenPasswordState>();
    for (const p of options.passwords ?? [{ name: 'password1' as const }]) {
      if (!TOKEN_SLOTS.includes(p.name)) throw new Error(`Password slot '${String(p.name)}' is invalid: use 'password1' or 'password2'.`);
      passwords.set(p.name, {
        value: p.value ?? newTokenPassword(),
        creationTime: p.creationTime?.getTime() ?? now,
        ...(p.expiry && { expiry: p.expiry.getTime() }),
      });
    }
    tokens.set(tokenName.toLowerCase(), {
      id,
      name: tokenName,
      status: options.status ?? 'enabled',
      scopeMapId: options.scopeMapId ?? `${registry.id}/scopeMaps/_repositories_pull`,
      created: now,
      passwords,
    });
    return { id };
  }

  /** A token as ARM knows it (slot names, creation times, expiries; no values), or `undefined`. */
  token(registryName: string, tokenName: string): TokenSnapshot | undefined {
    const t = this.#store.tokens.of(registryName).get(tokenName.toLowerCase());
    if (!t) return undefined;
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      scopeMapId: t.scopeMapId,
      provisioningState: provisioningState(t, this.#clock()),
      passwords: TOKEN_SLOTS.flatMap((name) => {
        const p = t.passwords.get(name);
        return p ? [{ name, creationTime: new Date(p.creationTime), ...(p.expiry !== undefined && { expiry: new Date(p.expiry) }) }] : [];
      }),
    };
  }

  /** A slot's current value (for tests only; ARM never shows it after generateCredentials), or `undefined`. */
  tokenPassword(registryName: string, tokenName: string, slot: TokenSlot): string | undefined {
    return this.#store.tokens.of(registryName).get(tokenName.toLowerCase())?.passwords.get(slot)?.value;
  }

  /**
   * Whether the registry would accept `docker login -u <token> -p <password>` now: the token is
   * enabled and `password` is the value of one of its slots that has not expired. The data
   * plane (`emulator.registryData`) answers Basic sign-ins with this check.
   */
  checkTokenPassword(registryName: string, tokenName: string, password: string): boolean {
    return checkTokenPassword(this.#store.tokens, registryName, tokenName, password, this.#clock());
  }

  /** Tasks per `tasks.list` page before a `nextLink` (default 20). */
  get taskPageSize(): number {
    return this.#store.tasks.pageSize;
  }
  set taskPageSize(size: number) {
    this.#store.tasks.pageSize = size;
  }

  /** A task as ARM knows it (no secret values), or `undefined`. */
  task(registryName: string, taskName: string): TaskSnapshot | undefined {
    const t = this.#store.tasks.of(registryName).get(taskName.toLowerCase());
    return t ? taskSnapshot(t) : undefined;
  }

  /** The registry's tasks, by name. */
  tasks(registryName: string): TaskSnapshot[] {
    return [...this.#store.tasks.of(registryName).values()].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())).map(taskSnapshot);
  }

  /**
   * The git access token a task's source trigger holds (for tests only; ARM shows it only through
   * `tasks.getDetails`): the named trigger's, else the first one that has a token; `undefined` if none.
   */
  taskGitToken(registryName: string, taskName: string, triggerName?: string): string | undefined {
    const triggers = this.#store.tasks.of(registryName).get(taskName.toLowerCase())?.properties.trigger?.sourceTriggers ?? [];
    const trigger = triggerName
      ? triggers.find((t) => t.name.toLowerCase() === triggerName.toLowerCase())
      : triggers.find((t) => t.sourceRepository.sourceControlAuthProperties?.token);
    return trigger?.sourceRepository.sourceControlAuthProperties?.token;
  }

  /** The declared registry and its task, or an error naming what is missing. */
  #task(registryName: string, taskName: string): { registry: EmulatedRegistry; task: EmulatedTask } {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    const task = this.#store.tasks.of(registry.name).get(taskName.toLowerCase());
    if (!task) throw new Error(`No task '${taskName}' in registry '${registry.name}'.`);
    return { registry, task };
  }

  /**
   * Does what the repository webhook makes ACR do on a push: queues a run of the task with
   * `runType: AutoBuild` (`AutoRun` for a multi-step task) and a `sourceTrigger`
   * `{id, eventType: 'Commit', commitId, repositoryUrl, branchName, providerType}` (`providerType`:
   * the trigger's `Github` / `VisualStudioTeamService`); images from the step's `imageNames` with
   * `{{.Run.ID}}` (and `{{.Run.Commit}}`, `{{.Run.Branch}}`) substituted. ACR reports no commit
   * message. The run follows the same timing and scenarios as any other. Returns the run id.
   * Throws for an undeclared registry or unknown task, a disabled task, or when no enabled commit
   * trigger (matching `branch` and `trigger`, when given) exists.
   */
  triggerCommit(registryName: string, taskName: string, event: CommitEvent): string {
    const { registry, task } = this.#task(registryName, taskName);
    return triggerCommit(this.#store, registry, task, event, this.#clock()).runId;
  }

  /**
   * Does what ACR does when a task's base image gets a new digest: queues an `AutoBuild`
   * (`AutoRun`) run with `imageUpdateTrigger {id, timestamp, images: [{registry, repository, tag,
   * digest}]}`. `digest` defaults to a new one; when `registry` is the login server of a declared
   * registry, the base image's tag also moves there, as the push that caused the update would.
   * Returns the run id. Throws for an unknown task, a disabled task or base image trigger.
   */
  triggerBaseImageUpdate(registryName: string, taskName: string, baseImage: { registry: string; repository: string; tag: string; digest?: string }): string {
    const { registry, task } = this.#task(registryName, taskName);
    const now = this.#clock();
    const digest = baseImage.digest ?? digestOf(`${baseImage.registry}/${baseImage.repository}:${baseImage.tag}@${now}`);
    const run = triggerBaseImageUpdate(this.#store, registry, task, { ...baseImage, digest }, now);
    const home = this.#store.byLoginServer(baseImage.registry);
    if (home) this.#store.onImagePushed(home.name, { repository: baseImage.repository, tag: baseImage.tag, digest }, now);
    return run.runId;
  }

  /**
   * Fires one occurrence of a task's timer trigger (`timer`, else its first enabled one; `at`,
   * default now): an `AutoBuild` (`AutoRun`) run with `timerTrigger {timerTriggerName,
   * scheduleOccurrence}`. The emulator never fires timers by itself. Returns the run id.
   */
  triggerTimer(registryName: string, taskName: string, options: { timer?: string; at?: Date } = {}): string {
    const { registry, task } = this.#task(registryName, taskName);
    const now = this.#clock();
    return triggerTimer(this.#store, registry, task, options.timer, options.at?.getTime() ?? now, now).runId;
  }

  /**
   * Starts a run of the task as someone pressing Run in the portal would: `runType: QuickRun`, no
   * trigger (az lists it as `Manual`). Returns the run id. Throws for a disabled task.
   */
  startManualRun(registryName: string, taskName: string): string {
    const { registry, task } = this.#task(registryName, taskName);
    return startManualRun(this.#store, registry, task, this.#clock()).runId;
  }

  /**
   * How long an `importImage` operation copies before its image lands in the target registry
   * (default 0: at the first poll). Meanwhile the Location answers 202, and a worker that stops
   * polling can resume from the SDK's saved poller state.
   */
  get importOperationMs(): number {
    return this.#store.imports.operationMs;
  }
  set importOperationMs(ms: number) {
    this.#store.imports.operationMs = ms;
  }

  /**
   * Makes the next accepted `importImage` operation end in failure (reported at its Location, as
   * the SDK's poller sees it); queued ones apply in order. Default: 400 `InvalidParameters`
   * "Error copying blobs".
   */
  failNextImport(failure: ImportFailure = {}): void {
    this.#store.imports.scriptFailure(failure);
  }

  /**
   * Takes `Microsoft.ContainerRegistry/registries/pull/read` on a registry away from one client id
   * (default: from everyone): an `importImage` naming it by `resourceId` gets ARM's 403
   * `LinkedAuthorizationFailed`.
   */
  denyPull(registryName: string, clientId?: string): void {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    this.#store.imports.denyPull(registry.name, clientId);
  }

  /** Gives pull rights back (to one client id, or lifts every denial on the registry). */
  allowPull(registryName: string, clientId?: string): void {
    this.#store.imports.allowPull(registryName, clientId);
  }

  /**
   * Declares an image of a registry outside the emulator (`registry.hub.docker.com`,
   * `mcr.microsoft.com`, …) that `importImage` can copy with `source.registryUri`. `image` is
   * `repo:tag`; returns its digest (default: derived from the name).
   */
  addPublicImage(registryUri: string, image: string, digest?: string): string {
    const colon = image.lastIndexOf(':');
    if (colon <= 0 || image.slice(colon).includes('/')) throw new Error(`Give the public image as repository:tag, not '${image}'.`);
    const value = digest ?? digestOf(`${registryUri}/${image}`);
    this.#store.imports.addPublicImage(registryUri, image.slice(0, colon), image.slice(colon + 1), value);
    return value;
  }

  /** `importImage` operations (into one registry, or all), oldest first, with their state now. */
  imports(registryName?: string): ImportSnapshot[] {
    return this.#store.imports.snapshots(this.#clock(), registryName);
  }

  /**
   * The ARM requests that concerned a registry, oldest first, optionally within `since`..`until`:
   * every path under its resource id, and the operation URLs ACR hands out for it elsewhere (an
   * import's or a cancellation's Location). `azure.count()` matches paths only, so it misses those.
   */
  armRequests(registryName: string, window: { since?: Date; until?: Date } = {}): RecordedRequest[] {
    const name = registryName.toLowerCase();
    const since = window.since?.getTime() ?? -Infinity;
    const until = window.until?.getTime() ?? Infinity;
    return this.#requests().filter((r) => {
      if (r.kind !== 'arm' || r.at.getTime() < since || r.at.getTime() > until) return false;
      const segments = r.path.toLowerCase().split('/');
      const named = segments.some(
        (s, i) => s === 'registries' && segments[i - 1] === 'microsoft.containerregistry' && decodeURIComponent(segments[i + 1] ?? '') === name,
      );
      return named || this.#store.registryOfOperation(decodeURIComponent(segments.at(-1) ?? ''))?.name.toLowerCase() === name;
    });
  }

  /**
   * Declares a private git repository (`https://host/org/app.git`; any `#ref:folder` of a run
   * matches): a run clones it only with one of `tokens` as its task's context token, else it
   * fails while downloading its source, as ACR does (see private-repos.ts). Quick builds never
   * carry a token.
   */
  addPrivateRepository(url: string, tokens: readonly string[]): void {
    this.#store.privateRepositories.add(url, tokens);
  }

  /**
   * Makes ACR refuse `scheduleRun` (builds and task runs) in a subscription, as it does on free-trial
   * and some sponsored subscriptions: 400 `TasksOperationsNotAllowed`.
   */
  disallowTasks(subscriptionId: string): void {
    this.#store.tasksNotPermitted.add(subscriptionId.toLowerCase());
  }

  /**
   * Starts a quick build the way someone else would (`az acr build` from a laptop): a
   * DockerBuildRequest from git, Linux/amd64 and `Dockerfile` unless `request` says otherwise.
   * It follows the queued scenarios like any run. Returns the run id.
   */
  startRun(registryName: string, request: Partial<DockerBuildRequest> & { imageNames: string[] }): string {
    const registry = this.#store.registries.get(registryName.toLowerCase());
    if (!registry) throw new Error(`Registry '${registryName}' is not declared.`);
    const full: DockerBuildRequest = {
      type: 'DockerBuildRequest',
      isPushEnabled: true,
      dockerFilePath: 'Dockerfile',
      platform: { os: 'Linux', architecture: 'amd64' },
      sourceLocation: 'https://github.com/org/app.git',
      ...request,
    };
    return this.#store.schedule(registry, full, this.#clock()).runId;
  }

  /** Queues scenarios, used one per scheduled run (any registry) before the default applies. */
  nextRunScenario(...scenarios: RunScenario[]): void {
    this.#store.scenarios.push(...scenarios);
  }

  /** Drops queued run scenarios and scripted import failures. */
  clearScenarios(): void {
    this.#store.scenarios.length = 0;
    this.#store.imports.clearScriptedFailures();
  }

  /**
   * Ends a run now with `outcome` (its log gets the matching closing lines and `Complete`
   * metadata). No effect on a run that is already over. Throws for an unknown run.
   */
  completeRun(runId: string, outcome: RunOutcome | 'Canceled', registryName?: string): RunJson {
    const now = this.#clock();
    const run = this.#store.findRun(runId, now, registryName);
    if (!run) throw new Error(`No run '${runId}' in the ACR emulator.`);
    endRun(run, outcome, now, now);
    return this.run(runId, registryName)!;
  }

  /** A run as `runs.get` would return it now, or `undefined`. */
  run(runId: string, registryName?: string): RunJson | undefined {
    const run = this.#store.findRun(runId, this.#clock(), registryName);
    return run ? runJson(run) : undefined;
  }

  /** All runs (of one registry, or all), oldest first. */
  runs(registryName?: string): RunJson[] {
    const registries = registryName ? [this.#store.registries.get(registryName.toLowerCase())] : [...this.#store.registries.values()];
    return registries
      .flatMap((r) => (r ? [...r.runs.values()] : []))
      .sort((a, b) => a.seq - b.seq)
      .map((run) => this.run(run.runId, run.registry.name)!);
  }

  /** The run's log blob as text so far (`''` before the run starts). */
  log(runId: string, registryName?: string): string {
    const run = this.#store.findRun(runId, this.#clock(), registryName);
    if (!run) throw new Error(`No run '${runId}' in the ACR emulator.`);
    return run.blob?.data.toString('utf8') ?? '';
  }

  /** Makes every log link issued so far (for one run, or all) expired: reads get Storage's 403. */
  expireLogLinks(runId?: string): void {
    const now = this.#clock();
    for (const registry of this.#store.registries.values()) {
      for (const run of registry.runs.values()) {
        if (runId && run.runId.toLowerCase() !== runId.toLowerCase()) continue;
        for (const sas of run.sas.values()) sas.expiresAt = Math.min(sas.expiresAt, now);
      }
    }
  }
}
