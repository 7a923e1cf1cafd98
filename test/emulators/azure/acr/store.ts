/** ACR state: registries, their runs, queued scenarios and run timing. */
import { TokenStore } from './tokens.ts';
import { ArmOperations } from './operations.ts';
import { ReplicationStore } from './replications.ts';
import { ScopeMapStore } from './scope-maps.ts';
import { resourceNotFound } from '../arm-errors.ts';
import type { ArmScopes } from '../arm.ts';
import type { Reply } from '../http.ts';
import { digestOf } from '../ids.ts';
import type { BuildImage } from './build-log.ts';
import { createRegistry } from './registry.ts';
import type { EmulatedRegistry, RegistryOptions } from './registry.ts';
import { advance, createRun } from './run.ts';
import type { DockerBuildRequest, EmulatedRun, RunOrigin, RunScenario } from './run.ts';
import { TaskStore } from './tasks.ts';
import { PrivateRepositories } from './private-repos.ts';
import { ImportStore } from './import-image.ts';

/** Run timing defaults (milliseconds). */
export interface AcrTiming {
  /** Time a run stays Queued. */
  queuedMs: number;
  /** Time a run stays Running. */
  buildDurationMs: number;
  /** Time between log writes while Running. */
  logLineIntervalMs: number;
  /**
   * Time from a cancel request until the run is Canceled. `0` (default): `cancel` answers 200
   * and the run is Canceled at once. Above 0: `cancel` answers 202 with a `Location` the SDK
   * polls until the run is Canceled.
   */
  cancelDelayMs: number;
}

const REGISTRY_TYPE = 'Microsoft.ContainerRegistry/registries';

/**
 * `web:v1` / `contosodev.azurecr.io/team/web:{{.Run.ID}}` → repository and tag, as ACR records them
 * (`{{.Run.ID}}`, `{{.Run.Registry}}`: learn.microsoft.com container-registry-tasks-reference-yaml, "Run variables").
 * The digest is derived from the run (assumed: any stable sha256 serves).
 */
function parseImage(name: string, runId: string, loginServer: string): BuildImage {
  let ref = name.replaceAll('{{.Run.ID}}', runId).replaceAll('{{.Run.Registry}}', loginServer);
  if (ref.toLowerCase().startsWith(`${loginServer.toLowerCase()}/`)) ref = ref.slice(loginServer.length + 1);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const [repository, tag] = colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  return { repository, tag, digest: digestOf(`${loginServer}/${repository}:${tag}@${runId}`) };
}

/** What the ACR routes and `AcrEmulator` share; not part of the test-facing API. */
export class AcrStore {
  readonly timing: AcrTiming;
  /** Runs per page of `runs.list` before a `nextLink`. */
  pageSize = 20;
  /** Lifetime of log SAS links. */
  logLinkTtlMs = 60 * 60 * 1000;
  /** Scenario for runs with no queued scenario (image names containing `fail` still fail). */
  defaultScenario: RunScenario = { outcome: 'Succeeded' };

  /** By lower-case registry name (registry names are globally unique in Azure). */
  readonly registries = new Map<string, EmulatedRegistry>();
  /** Long-running operations of tokens, scope maps, replications and registry updates (see operations.ts). */
  readonly operations = new ArmOperations();
  /** Repository-scoped tokens (see tokens.ts). */
  readonly tokens = new TokenStore(this.operations);
  /** Scope maps (see scope-maps.ts). */
  readonly scopeMaps = new ScopeMapStore();
  /** Geo-replicas (see replications.ts). */
  readonly replications = new ReplicationStore();
  /** ACR Tasks (see tasks.ts). */
  readonly tasks = new TaskStore();
  /** Git repositories a run can only clone with a task's token (see private-repos.ts). */
  readonly privateRepositories = new PrivateRepositories();
  /** `importImage` operations, denied pulls, public images (see import-image.ts). */
  readonly imports = new ImportStore();
  /** Pending 202 cancellations: operation id → run. */
  readonly cancelOperations = new Map<string, EmulatedRun>();
  readonly scenarios: RunScenario[] = [];
  /** Subscriptions (lower case) whose `scheduleRun` ACR refuses with TasksOperationsNotAllowed. */
  readonly tasksNotPermitted = new Set<string>();
  /** Where a successful run's images land: the registry data plane (wired by the emulator). */
  onImagePushed: (registryName: string, image: BuildImage, at: number) => void = () => {};
  readonly #scopes: ArmScopes;
  #seq = 0;

  constructor(scopes: ArmScopes, timing: AcrTiming) {
    this.#scopes = scopes;
    this.timing = timing;
  }

  addRegistry(options: RegistryOptions, now: number): EmulatedRegistry {
    const key = options.name.toLowerCase();
    if (this.registries.has(key)) throw new Error(`Registry '${options.name}' is already declared (registry names are globally unique).`);
    const registry = createRegistry(options, this.registries.size, now);
    this.registries.set(key, registry);
    this.#scopes.add(registry.subscriptionId, registry.resourceGroup, registry.location);
    return registry;
  }

  /** The registry at an ARM path, or ARM's 404 (subscription, resource group or registry). */
  resolve(subscriptionId: string, resourceGroup: string, name: string): EmulatedRegistry | Reply {
    const missingScope = this.#scopes.check(subscriptionId, resourceGroup);
    if (missingScope) return missingScope;
    const registry = this.registries.get(name.toLowerCase());
    const sameScope =
      registry &&
      registry.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
      registry.resourceGroup.toLowerCase() === resourceGroup.toLowerCase();
    if (!registry || !sameScope) return resourceNotFound(REGISTRY_TYPE, name, resourceGroup);
    return registry;
  }

  /** The declared registry whose login server is `loginServer` (any case), if any. */
  byLoginServer(loginServer: string): EmulatedRegistry | undefined {
    return [...this.registries.values()].find((r) => r.loginServer.toLowerCase() === loginServer.toLowerCase());
  }

  /**
   * The registry an operation id belongs to, for operation URLs that do not name it (a 202
   * cancellation's, an import's); `undefined` for other ids.
   */
  registryOfOperation(operationId: string): EmulatedRegistry | undefined {
    return this.imports.get(operationId)?.target ?? this.cancelOperations.get(operationId)?.registry;
  }

  /** A run of `registry`, brought up to date, or ARM's 404. */
  resolveRun(registry: EmulatedRegistry, runId: string, now: number): EmulatedRun | Reply {
    const run = registry.runs.get(runId.toLowerCase());
    if (!run) return resourceNotFound(REGISTRY_TYPE, `${registry.name}/runs/${runId}`, registry.resourceGroup);
    advance(run, now);
    return run;
  }

  /** Finds a run by id in any registry (or in `registryName`), brought up to date. */
  findRun(runId: string, now: number, registryName?: string): EmulatedRun | undefined {
    const registries = registryName ? [this.registries.get(registryName.toLowerCase())] : [...this.registries.values()];
    for (const registry of registries) {
      const run = registry?.runs.get(runId.toLowerCase());
      if (run) {
        advance(run, now);
        return run;
      }
    }
    return undefined;
  }

  /**
   * Brings every unfinished run of a registry up to date, so what they pushed by now is in the
   * registry (runs otherwise advance only when someone looks at them).
   */
  advanceRuns(registryName: string, now: number): void {
    for (const run of this.registries.get(registryName.toLowerCase())?.runs.values() ?? []) advance(run, now);
  }

  /**
   * Queues a new run for `request` (a quick build unless `origin` says it comes from a task).
   * Run ids are a per-registry prefix and a counter (`ca1`, `ca2`, …, as in the quickstart's sample
   * output); how ACR picks prefixes is assumed.
   */
  schedule(registry: EmulatedRegistry, request: DockerBuildRequest, now: number, origin?: RunOrigin): EmulatedRun {
    registry.runCount += 1;
    const runId = `${registry.runIdPrefix}${registry.runCount}`;
    const names = request.imageNames ?? [];
    const refused = this.privateRepositories.refusal(request);
    const queued = refused ? undefined : this.scenarios.shift();
    const scenario = refused ?? queued ?? (names.some((n) => /fail/i.test(n)) ? { ...this.defaultScenario, outcome: 'Failed' as const } : this.defaultScenario);
    const run = createRun({
      runId,
      seq: ++this.#seq,
      registry,
      request,
      images: names.map((n) => parseImage(n, runId, registry.loginServer)),
      now,
      queuedMs: scenario.queuedMs ?? this.timing.queuedMs,
      durationMs: scenario.durationMs ?? this.timing.buildDurationMs,
      intervalMs: this.timing.logLineIntervalMs,
      scenario,
      ...(origin && { origin }),
      onPushed: (image, at) => this.onImagePushed(registry.name, image, at),
    });
    registry.runs.set(runId.toLowerCase(), run);
    return run;
  }
}
