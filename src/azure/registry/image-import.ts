import type { ImportImageParameters } from '@azure/arm-containerregistry';
import { AzureOperationError } from '../../core/azure-errors.ts';
import type { RegistryResourceRef } from '../../core/deploy/ports.ts';
import type { ImageImporter, ImportImageRequest } from '../../core/promote/promote-job.ts';
import type { AcrClients } from '../acr-clients.ts';
import { parseLroFailure } from '../aci/lro-failure.ts';
import { toAzureOperationError } from '../errors.ts';

/** What `beginImport` hands the job to persist: core-lro's serialized state and where it runs. */
interface ImportToken {
  v: 1;
  target: RegistryResourceRef;
  poller: string;
}

/**
 * `registries.beginImportImage` (`az acr import`): 202 + Location, followed one poll at a time from
 * core-lro's serialized state, so waiting never holds a worker and a restart resumes the same
 * operation. With `resumeFrom` the SDK sends no POST again: it restores the state and polls.
 */
export class AzureImageImport implements ImageImporter {
  readonly #clients: AcrClients;

  constructor(clients: AcrClients) {
    this.#clients = clients;
  }

  async beginImport(target: RegistryResourceRef, request: ImportImageRequest): Promise<{ resumeToken: string }> {
    try {
      const poller = await this.#clients
        .for(target.subscriptionId)
        .registries.beginImportImage(target.resourceGroup, target.name, request as ImportImageParameters);
      return { resumeToken: JSON.stringify({ v: 1, target, poller: poller.toString() } satisfies ImportToken) };
    } catch (err) {
      throw toImportError(err, target, request);
    }
  }

  async pollImport(resumeToken: string): Promise<{ done: boolean }> {
    const token = JSON.parse(resumeToken) as ImportToken;
    const { target } = token;
    try {
      // The parameters are required by the signature only: a resumed poller sends no POST.
      const placeholder: ImportImageParameters = { source: { sourceImage: 'resumed' } };
      const poller = await this.#clients
        .for(target.subscriptionId)
        .registries.beginImportImage(target.resourceGroup, target.name, placeholder, { resumeFrom: token.poller });
      return { done: poller.isDone() };
    } catch (err) {
      throw toImportError(err, target);
    }
  }

  async findBuild(registry: RegistryResourceRef, repository: string, digest: string): Promise<{ runId: string; commit?: string } | undefined> {
    // The filter az sends for `az acr task list-runs --image repo@digest` (acr/task.py, `_add_run_filter`).
    const filter = `contains(OutputImageManifests, '${`${repository}@${digest}`.replace(/'/g, "''")}')`;
    try {
      for await (const run of this.#clients.for(registry.subscriptionId).runs.list(registry.resourceGroup, registry.name, { filter, top: 1 })) {
        const runId = run.runId ?? run.name;
        if (!runId) continue;
        return { runId, ...(run.sourceTrigger?.commitId && { commit: run.sourceTrigger.commitId }) };
      }
      return undefined;
    } catch (err) {
      throw toAzureOperationError(err, `look up the run that pushed ${repository}@${digest.slice(0, 19)}… in registry ${registry.name}`);
    }
  }
}

/**
 * ARM checks the caller's rights on the source registry (a linked scope) before ACR sees the
 * import: a 403 `LinkedAuthorizationFailed` means the bot's identity may not pull from there.
 */
function toImportError(err: unknown, target: RegistryResourceRef, request?: ImportImageRequest): AzureOperationError {
  const failed = parseLroFailure(err);
  if (failed) {
    return new AzureOperationError(`Azure could not import the image into registry ${target.name}: ${failed.message}`, {
      transient: false,
      ...(failed.code && { azureCode: failed.code }),
      hint: 'Fix what Azure names above and promote again; nothing was deployed.',
      cause: err,
    });
  }
  const translated = toAzureOperationError(err, `import the image into registry ${target.name}`);
  if (translated.statusCode !== 403 || translated.azureCode !== 'LinkedAuthorizationFailed') return translated;
  const source = request?.source.resourceId ?? 'the source registry';
  return new AzureOperationError(
    `The bot’s Azure identity may not pull images from the source registry (${source}), so nothing was imported into ${target.name}.`,
    {
      statusCode: 403,
      azureCode: translated.azureCode,
      transient: false,
      hint: `Grant the bot’s identity AcrPull on the source registry (az role assignment create --assignee <bot client id> --role AcrPull --scope ${source}), then promote again.`,
      cause: err,
    },
  );
}
