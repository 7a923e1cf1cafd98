/**
 * Test controls of the emulated Azure Container Instances (`emulator.aci`): declare resource
 * groups, say which registries are pullable, script failures, set logs, read groups and PUTs.
 */
import type { ArmScopes } from '../arm.ts';
import type { Route } from '../router.ts';
import { groupJson } from './group.ts';
import { aciRoutes } from './routes.ts';
import { AciStore } from './store.ts';
import type { AciPut, AciTiming } from './store.ts';
import type { AciFailure } from './types.ts';

export type { AciPut, AciTiming } from './store.ts';
export type { AciFailure } from './types.ts';

/** `emulator.aci`: controls and inspection of the emulated Azure Container Instances. */
export class AciEmulator {
  readonly #store: AciStore;
  readonly #clock: () => number;

  /** @internal Created by {@link createAci}. */
  constructor(store: AciStore, clock: () => number) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Timing of deployments, starts and restarts; changes apply to work accepted afterwards. */
  get timing(): AciTiming {
    return this.#store.timing;
  }

  /**
   * Where an image from a registry not allowed by {@link allowImagesFrom} fails: `'put'`
   * (default) → the PUT answers 400 `InaccessibleImage`; `'deploy'` → the PUT is accepted and
   * the deployment ends `Failed` with `InaccessibleImage`. Real ACI does both, depending on when the
   * pull fails (learn.microsoft.com, container-instances-troubleshooting, "Unable to pull image").
   */
  get imageFailsAt(): 'put' | 'deploy' {
    return this.#store.imageFailsAt;
  }
  set imageFailsAt(where: 'put' | 'deploy') {
    this.#store.imageFailsAt = where;
  }

  /** Groups per list page before a `nextLink` (default 100). */
  get pageSize(): number {
    return this.#store.pageSize;
  }
  set pageSize(size: number) {
    this.#store.pageSize = size;
  }

  /** Declares a subscription and resource group (idempotent); ARM answers 404 for undeclared ones. */
  addResourceGroup(subscriptionId: string, resourceGroup: string, location = 'eastus'): void {
    this.#store.scopes.add(subscriptionId, resourceGroup, location);
  }

  /** Lets ACI pull images from `loginServer` (e.g. `contosodev.azurecr.io`, `docker.io`, `mcr.microsoft.com`). */
  allowImagesFrom(...loginServers: string[]): void {
    for (const server of loginServers) this.#store.pullable.add(server.toLowerCase());
  }

  /** Makes the next deployment (PUT) of group `name` end `Failed` with `failure` once provisioning time is up. */
  failNextDeployment(name: string, failure: AciFailure): void {
    const key = name.toLowerCase();
    this.#store.failures.set(key, [...(this.#store.failures.get(key) ?? []), failure]);
  }

  /** Sets what `listLogs` returns for a container (once it has started), e.g. `'line 1\nline 2\n'`. */
  setLogs(name: string, container: string, text: string): void {
    this.#store.logs.set(`${name}/${container}`.toLowerCase(), text);
  }

  /** The group as `containerGroups.get` would return it now (wire JSON), or `undefined`. */
  group(resourceGroup: string, name: string): Record<string, unknown> | undefined {
    const group = this.#store.find(resourceGroup, name);
    return group ? (groupJson(group, this.#clock()) as Record<string, unknown>) : undefined;
  }

  /** Every PUT received (of group `name`, or all), oldest first, bodies exactly as sent. */
  puts(name?: string): AciPut[] {
    return this.#store.puts.filter((p) => name === undefined || p.name.toLowerCase() === name.toLowerCase());
  }

  /** Forgets recorded PUTs, scripted failures and logs; groups, registries and resource groups stay. */
  reset(): void {
    this.#store.puts.length = 0;
    this.#store.failures.clear();
    this.#store.logs.clear();
  }
}

/** Builds the ACI state, its test controls and its ARM routes (wired by the emulator's server). */
export function createAci(scopes: ArmScopes, clock: () => number, timing: Partial<AciTiming> = {}): { controls: AciEmulator; routes: Route[] } {
  const store = new AciStore(scopes, { provisionMs: 1000, startMs: 500, restartMs: 500, ...timing });
  return { controls: new AciEmulator(store, clock), routes: aciRoutes(store) };
}
