/**
 * Test controls of the emulated Azure Container Registry (`emulator.acr`): declare registries,
 * script how runs end, force completions, read runs and logs; declare repository-scoped tokens
 * and check their passwords.
 */
import { checkTokenPassword, newTokenPassword, provisioningState, TOKEN_SLOTS, validTokenName } from './tokens.ts';
import type { TokenPasswordState, TokenSlot, TokenStatus } from './tokens.ts';
import { endRun, runJson } from './run.ts';
import type { RunJson, RunOutcome, RunScenario } from './run.ts';
import type { RegistryOptions } from './registry.ts';
import type { AcrStore, AcrTiming } from './store.ts';

export type { RegistryOptions } from './registry.ts';
export type { RunJson, RunOutcome, RunScenario, RunStatus } from './run.ts';
export type { AcrTiming } from './store.ts';
export type { TokenSlot, TokenStatus } from './tokens.ts';

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
}

/** `emulator.acr`: controls and inspection of the emulated Azure Container Registry. */
export class AcrEmulator {
  readonly #store: AcrStore;
  readonly #clock: () => number;

  /** @internal Created by the emulator. */
  constructor(store: AcrStore, clock: () => number) {
    this.#store = store;
    this.#clock = clock;
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
   * registry, `cb1, …` for the second, unless `runIdPrefix` says otherwise.
   */
  addRegistry(options: RegistryOptions): RegistryInfo {
    const r = this.#store.addRegistry(options, this.#clock());
    return { subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup, name: r.name, location: r.location, loginServer: r.loginServer, id: r.id, runIdPrefix: r.runIdPrefix };
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
      passwords.set(p.name, { value: p.value ?? newTokenPassword(), creationTime: p.creationTime?.getTime() ?? now, ...(p.expiry && { expiry: p.expiry.getTime() }) });
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

  /** Queues scenarios, used one per scheduled run (any registry) before the default applies. */
  nextRunScenario(...scenarios: RunScenario[]): void {
    this.#store.scenarios.push(...scenarios);
  }

  /** Drops queued scenarios. */
  clearScenarios(): void {
    this.#store.scenarios.length = 0;
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
