/** Registry data-plane state: repositories, tags → manifest digests, and issued ACR tokens. */

export interface TagState {
  name: string;
  digest: string;
  created: number;
  updated: number;
}

export interface DataRegistry {
  /** Lower-case registry name, e.g. `contosodev`. */
  name: string;
  /** `contosodev.azurecr.io`: the `service` of challenges and token requests. */
  loginServer: string;
  /** repository → tag → state (insertion order; listings sort by name) */
  repos: Map<string, Map<string, TagState>>;
  /**
   * repository → digest → when it arrived, for manifests copied without a tag (`importImage`'s
   * `untaggedTargetRepositories`). A repository here is also in `repos`, maybe with no tags.
   */
  untagged: Map<string, Map<string, { created: number; updated: number }>>;
}

/** An ACR refresh or access token the emulator issued. */
export interface AcrToken {
  kind: 'refresh' | 'access';
  registry: string;
  clientId: string;
  /** Access tokens only: the granted scope, e.g. `repository:app:metadata_read`. */
  scope?: string;
  expiresAt: number;
}

export class RegistryDataStore {
  readonly registries = new Map<string, DataRegistry>();
  readonly tokens = new Map<string, AcrToken>();
  /** Checks `docker login` credentials (repository-scoped tokens live in the ACR control plane). */
  basicAuth: (registry: string, username: string, password: string) => boolean = () => false;
  /** Runs before every request to a registry: lets ACR runs that have finished by now push their images. */
  catchUp: (registry: string) => void = () => {};
  /** Items per `_tags` / `_catalog` page when the client sends no `n` (100: assumed). */
  pageSize = 100;

  /** `contosodev`, `contosodev.azurecr.io` or `https://contosodev.azurecr.io` → the registry (created on first use). */
  registry(loginServerOrName: string): DataRegistry {
    const name = loginServerOrName
      .replace(/^https?:\/\//i, '')
      .split(/[./:]/)[0]!
      .toLowerCase();
    const existing = this.registries.get(name);
    if (existing) return existing;
    const created: DataRegistry = { name, loginServer: `${name}.azurecr.io`, repos: new Map(), untagged: new Map() };
    this.registries.set(name, created);
    return created;
  }

  /** The registry whose name or login server is `service`, if declared. */
  find(service: string): DataRegistry | undefined {
    return this.registries.get(service.split('.')[0]!.toLowerCase());
  }
}
