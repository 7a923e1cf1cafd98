/**
 * Test controls of the emulated ACR data plane (`emulator.registryData`): push and move tags.
 * Give `ContainerRegistryClient` {@link RegistryDataEmulator.endpoint} as its endpoint. A product
 * normally builds `https://{loginServer}` from ARM's `properties.loginServer`; against the
 * emulator it needs an endpoint override, because one origin serves every registry.
 */
import { randomBytes } from 'node:crypto';
import type { FamilyPolicy } from '../family.ts';
import type { EntraIdentity } from '../identity.ts';
import { registryDataFamily } from './family.ts';
import { RegistryDataStore } from './store.ts';

/** `emulator.registryData`. */
export class RegistryDataEmulator {
  /** @internal The service family the emulator registers. */
  readonly family: FamilyPolicy;

  readonly #store = new RegistryDataStore();
  readonly #baseUrl: string;
  readonly #clock: () => number;

  /** @internal Created by the emulator. */
  constructor(identity: EntraIdentity, baseUrl: string, clock: () => number) {
    this.#baseUrl = baseUrl;
    this.#clock = clock;
    this.family = registryDataFamily(this.#store, identity);
  }

  /**
   * @internal How Basic credentials (`docker login -u <token> -p <password>`) are checked: the
   * server wires in `emulator.acr.checkTokenPassword`, where repository-scoped tokens live.
   */
  set basicAuth(check: (registry: string, username: string, password: string) => boolean) {
    this.#store.basicAuth = check;
  }

  /**
   * @internal Brings a registry up to date before each request: the server wires in the ACR
   * runs, whose successful pushes land here ({@link RegistryDataEmulator.recordPush}).
   */
  set catchUp(fn: (registry: string) => void) {
    this.#store.catchUp = fn;
  }

  /** Tags / repositories per page when the client sends no `n` (default 100). */
  get pageSize(): number {
    return this.#store.pageSize;
  }
  set pageSize(size: number) {
    this.#store.pageSize = size;
  }

  /** Declares a registry (`contosodev` or `contosodev.azurecr.io`); returns its endpoint. */
  addRegistry(loginServerOrName: string): string {
    return this.endpoint(this.#store.registry(loginServerOrName).name);
  }

  /** `https://localhost:PORT/registries/{name}`: the endpoint for `ContainerRegistryClient`. */
  endpoint(loginServerOrName: string): string {
    return `${this.#baseUrl}/registries/${this.#store.registry(loginServerOrName).name}`;
  }

  /** Points `repo:tag` at `digest` (default: a random `sha256:`), creating registry and repository; returns the digest (a push moves a tag: Docker registry HTTP API V2, "Pushing an image"). */
  pushTag(loginServerOrName: string, repo: string, tag: string, digest = `sha256:${randomBytes(32).toString('hex')}`): string {
    return this.recordPush(loginServerOrName, repo, tag, digest, this.#clock());
  }

  /** @internal An ACR run's push at time `at` (the emulator wires runs in): `repo:tag` now points at `digest`. */
  recordPush(loginServerOrName: string, repo: string, tag: string, digest: string, at: number): string {
    const registry = this.#store.registry(loginServerOrName);
    const tags = registry.repos.get(repo) ?? new Map();
    registry.repos.set(repo, tags);
    const now = Math.floor(at / 1000);
    const existing = tags.get(tag);
    tags.set(tag, { name: tag, digest, created: existing?.created ?? now, updated: now });
    return digest;
  }

  /**
   * @internal A manifest copied into `repo` without a tag at time `at` (`importImage`'s
   * `untaggedTargetRepositories`): pullable by digest, listed with no tags.
   */
  recordManifest(loginServerOrName: string, repo: string, digest: string, at: number): void {
    const registry = this.#store.registry(loginServerOrName);
    if (!registry.repos.has(repo)) registry.repos.set(repo, new Map());
    const manifests = registry.untagged.get(repo) ?? new Map<string, { created: number; updated: number }>();
    registry.untagged.set(repo, manifests);
    const now = Math.floor(at / 1000);
    manifests.set(digest, { created: manifests.get(digest)?.created ?? now, updated: now });
  }

  /** Whether `repo@digest` is in the registry, tagged or not. */
  hasManifest(loginServerOrName: string, repo: string, digest: string): boolean {
    const registry = this.#store.registry(loginServerOrName);
    const tagged = [...(registry.repos.get(repo)?.values() ?? [])].some((t) => t.digest === digest);
    return tagged || registry.untagged.get(repo)?.has(digest) === true;
  }

  /** Re-points an existing tag (e.g. "tag moved between approval and deploy"); returns the new digest. */
  moveTag(loginServerOrName: string, repo: string, tag: string, digest?: string): string {
    if (this.digestOf(loginServerOrName, repo, tag) === undefined) throw new Error(`No tag '${repo}:${tag}' in registry '${loginServerOrName}'.`);
    return digest === undefined ? this.pushTag(loginServerOrName, repo, tag) : this.pushTag(loginServerOrName, repo, tag, digest);
  }

  /** Removes a tag (its manifest stays only if another tag points at it). */
  deleteTag(loginServerOrName: string, repo: string, tag: string): void {
    this.#store.registry(loginServerOrName).repos.get(repo)?.delete(tag);
  }

  /** The digest a tag points at now, or `undefined`. */
  digestOf(loginServerOrName: string, repo: string, tag: string): string | undefined {
    return this.#store.registry(loginServerOrName).repos.get(repo)?.get(tag)?.digest;
  }
}
