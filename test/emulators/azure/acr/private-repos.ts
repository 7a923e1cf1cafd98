/**
 * Private git repositories that runs build from. ACR's agent clones the run's git context
 * itself; a private repository can only be cloned with a credential, and the one place a run
 * carries a git credential is its task's `step.contextAccessToken` ("The token (git PAT or SAS
 * token of storage account blob) associated with the context for a step": Azure/azure-rest-api-specs,
 * containerregistry 2019-06-01-preview `containerregistry_build.json`, `TaskStepProperties`).
 * `DockerBuildRequest` (a quick build, `az acr build`) has no such field (same file), so a quick
 * build of a private repository never gets one.
 *
 * Without the right token the run fails while downloading its source, and the log says only:
 *
 *   2024/10/06 08:10:44 Downloading source code...
 *   Run ID: cev failed after 4s. Error: failed to download context. Please check if the URL is incorrect. If it has credentials, please check if they are expired
 *
 * (Azure/azure-cli issues #25765, a quick build of a private repository, and #30033; Azure/acr-build
 * issue #14). The run's `runErrorMessage` carries the same sentence (assumed: the CLI prints it
 * from the log). git's own words ("could not read Username", "Repository not found") stay
 * inside the agent and are not in the log (assumed, from those reports).
 */
import type { DockerBuildRequest, RunScenario } from './run.ts';

/** ACR's error for a git context it could not fetch (Azure/azure-cli #25765, #30033). */
export const CONTEXT_DOWNLOAD_ERROR =
  'failed to download context. Please check if the URL is incorrect. If it has credentials, please check if they are expired';

/** A repository URL as the emulator compares it: no `#ref:folder`, no `.git`, no trailing `/`, lower case. */
function repositoryKey(location: string): string {
  const base = location.split('#')[0]!.toLowerCase().replace(/\/+$/, '');
  return base.endsWith('.git') ? base.slice(0, -'.git'.length) : base;
}

/** Private repositories and the tokens that may clone them. */
export class PrivateRepositories {
  readonly #tokens = new Map<string, Set<string>>();

  /** Declares `url` private; `tokens` clone it (any other token, or none, does not). */
  add(url: string, tokens: readonly string[]): void {
    this.#tokens.set(repositoryKey(url), new Set(tokens));
  }

  /**
   * The scenario of a run that cannot fetch its source, or `undefined` when it can: a public
   * repository, or a private one with a token that clones it.
   */
  refusal(request: DockerBuildRequest): RunScenario | undefined {
    const tokens = this.#tokens.get(repositoryKey(request.sourceLocation ?? ''));
    if (!tokens) return undefined;
    // Only a task's step carries a git credential; a quick build never has one.
    const credential = request.type === 'TaskRunRequest' ? request.contextAccessToken : undefined;
    if (credential !== undefined && tokens.has(credential)) return undefined;
    return { outcome: 'Failed', failsAt: 'source', errorMessage: CONTEXT_DOWNLOAD_ERROR };
  }
}
