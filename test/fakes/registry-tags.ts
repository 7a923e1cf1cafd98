import type { RegistryResourceRef, RegistryTags } from '../../src/core/deploy/ports.ts';

/** A registry's data plane where every tag resolves to `digest`; it lists no repositories and no tags. */
export class FakeRegistryTags implements RegistryTags {
  readonly #loginServer: string;
  readonly #digest: string;

  constructor(loginServer: string, digest: string) {
    this.#loginServer = loginServer;
    this.#digest = digest;
  }

  async resolveDigest(_registry: RegistryResourceRef, _repository: string, _tag: string): Promise<{ loginServer: string; digest: string }> {
    return { loginServer: this.#loginServer, digest: this.#digest };
  }
  async listRepositories(_registry: RegistryResourceRef): Promise<string[]> {
    return [];
  }
  async listTags(_registry: RegistryResourceRef, _repository: string): Promise<{ name: string; digest: string; createdOn?: string }[]> {
    return [];
  }
  async loginServer(_registry: RegistryResourceRef): Promise<string> {
    return this.#loginServer;
  }
}
