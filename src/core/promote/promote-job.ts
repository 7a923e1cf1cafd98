import type { ContainerGroupRef } from '../deploy/container-group.ts';
import type { DeployRecord, DeployRequest } from '../deploy/deploy-job.ts';
import type { RegistryResourceRef } from '../deploy/ports.ts';

/**
 * A promotion copies an image that is tested in one environment into another environment's
 * registry by digest (`registries.importImage`, what `az acr import` does), then, for a
 * container group, deploys it there through the normal deploy job with the target's rules.
 */
export type PromoteSubject =
  /** `/aci promote -n web`: the digest running in the source environment's group, then a deploy. */
  | { kind: 'group'; name: string }
  /** `/acr promote --image web:v1`: the digest of that tag in the source registry; import only. */
  | { kind: 'image'; repository: string; tag: string };

/** The image being promoted, as found in the source environment. */
export interface PromotedImage {
  /** ARM id of the source registry: what `source.resourceId` of the import names (works across subscriptions). */
  registryId: string;
  registryName: string;
  loginServer: string;
  repository: string;
  digest: string;
  /** The tag it gets in the target registry; absent: imported untagged, by digest only. */
  tag?: string;
  /** When the source group started running this digest (its first deploy in the current streak). */
  since?: string;
  /** The git commit the source build was made from, when ACR reported one for the run that pushed it. */
  commit?: string;
  /** The ACR run that pushed the digest, when found. */
  runId?: string;
}

export type PromotePhase =
  /** Nothing found yet. */
  | 'new'
  /** Source digest found and saved; the import is about to be sent (or is being followed with `resumeToken`). */
  | 'importing'
  /** The digest is in the target registry: a crash from here on never imports again. */
  | 'imported'
  | 'done';

export interface PromoteProgress {
  phase: PromotePhase;
  source?: PromotedImage;
  /** The target registry's login server, as ARM reports it. */
  targetLoginServer?: string;
  /** Serialized poller state of the import operation. */
  resumeToken?: string;
  /** The digest was already in the target under that tag: nothing was imported. */
  alreadyThere?: boolean;
  /** The target tag pointed at another digest before the import moved it. */
  movedFrom?: string;
  /** The deploy job that deploys the promoted digest in the target (group promotions). */
  deployJobId?: string;
  startedAt?: string;
  outcome?: 'succeeded' | 'failed' | 'refused';
}

/** Data of a `promote` job. BullMQ stores it in clear text: no secrets. */
export interface PromoteJobData {
  jobId: string;
  requesterId: string;
  teamId: string;
  channelId: string;
  queuedAt: string;
  /** The source environment. */
  from: string;
  /** The target environment: where the digest goes, whose rules apply (and who may see the job). */
  environment: string;
  subject: PromoteSubject;
  /**
   * Group promotions: what the target's deploy asks for, image aside (the target's own last deploy
   * of the group, else the source's): the job fills in the promoted digest.
   */
  request?: DeployRequest;
  progress: PromoteProgress;
}

/** The body of `registries.importImage` (ImportImageParameters, 2025-11-01), as `az acr import --source <registry id> --image repo:tag` sends it. */
export interface ImportImageRequest {
  source: { resourceId: string; sourceImage: string };
  targetTags?: string[];
  untaggedTargetRepositories?: string[];
  /** `Force`: a repeat after a crash writes the same digest under the same tag again, one image. */
  mode: 'Force' | 'NoForce';
}

/** Copies images between registries with ARM's import operation, followed with a saved resume token. */
export interface ImageImporter {
  /** Sends the import; the token is opaque, safe to persist, and holds no secrets. */
  beginImport(target: RegistryResourceRef, request: ImportImageRequest): Promise<{ resumeToken: string }>;
  /** One poll of the operation, without sleeping; a failed copy rejects (AzureOperationError). */
  pollImport(resumeToken: string): Promise<{ done: boolean }>;
  /** The run that pushed `repository@digest`, with its commit when ACR reports one; best effort. */
  findBuild?(registry: RegistryResourceRef, repository: string, digest: string): Promise<{ runId: string; commit?: string } | undefined>;
}

export function registryResourceId(ref: RegistryResourceRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${ref.name}`;
}

/** The import request for a promoted image: by digest, tagged as in the source when a tag is known. */
export function importRequestFor(image: Pick<PromotedImage, 'registryId' | 'repository' | 'digest' | 'tag'>): ImportImageRequest {
  return {
    source: { resourceId: image.registryId, sourceImage: `${image.repository}@${image.digest}` },
    ...(image.tag !== undefined ? { targetTags: [`${image.repository}:${image.tag}`] } : { untaggedTargetRepositories: [image.repository] }),
    mode: 'Force',
  };
}

const DIGEST_PINNED = /@sha256:[0-9a-f]{64}$/;
const IN_REGISTRY = /^(?<repository>[a-z0-9]+(?:[._/-]+[a-z0-9]+)*)(?::\w[\w.-]{0,127})?@(?<digest>sha256:[0-9a-f]{64})$/;

/** Whether an image reference names its digest (`…@sha256:…`), as every deploy of the bot does. */
export function isPinned(image: string): boolean {
  return DIGEST_PINNED.test(image);
}

/**
 * `loginServer/repo[:tag]@sha256:…` → repository and digest, when the image is pinned and comes from
 * that login server (which may carry a path, as some registries' do); else `undefined`.
 */
export function pinnedIn(image: string, loginServer: string): { repository: string; digest: string } | undefined {
  const prefix = `${loginServer.toLowerCase()}/`;
  if (!image.toLowerCase().startsWith(prefix)) return undefined;
  const m = IN_REGISTRY.exec(image.slice(prefix.length));
  return m?.groups ? { repository: m.groups.repository!, digest: m.groups.digest! } : undefined;
}

/**
 * Since when a group has run `digest`: the oldest deploy of the newest unbroken run of deploys of
 * that digest (a redeploy of the same digest does not reset the clock). History is newest first.
 */
export function runningSince(history: readonly DeployRecord[], digest: string): DeployRecord | undefined {
  let since: DeployRecord | undefined;
  for (const record of history) {
    if (record.digest !== digest) break;
    since = record;
  }
  return since;
}

/**
 * What the target's deploy asks for (image aside): the target's own last deploy of the group when
 * there is one (its ports, DNS label, variables and Key Vault names), else the source's, without
 * its DNS label (labels are the source environment's name on the internet, not the target's).
 */
export function promotionRequest(
  targetHistory: readonly DeployRecord[],
  sourceHistory: readonly DeployRecord[],
): { request: DeployRequest; from: 'target' | 'source' } | undefined {
  const own = targetHistory.find((r) => r.request);
  if (own?.request) return { request: own.request, from: 'target' };
  const theirs = sourceHistory.find((r) => r.request);
  if (!theirs?.request) return undefined;
  const { dnsNameLabel: _label, ...request } = theirs.request;
  return { request, from: 'source' };
}

/** The tag the promoted image gets in the target: the one the source group was deployed from, if any. */
export function tagOf(record: DeployRecord | undefined): string | undefined {
  return record?.request?.image.tag;
}

/** The group of `name` in an environment. */
export function groupIn(env: { subscriptionId: string; resourceGroup: string }, name: string): ContainerGroupRef {
  return { subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name };
}
