/**
 * `registries.beginImportImage` (`az acr import`): a long-running operation that copies an image
 * into a registry by tag or by digest, as `@azure/arm-containerregistry@11` calls it
 * (api-version 2025-11-01; the SDK polls with `resourceLocationConfig: "location"`).
 *
 * | request | answer | source |
 * |---|---|---|
 * | `POST …/registries/{name}/importImage` `{source: {resourceId \| registryUri, sourceImage, credentials?}, targetTags?, untaggedTargetRepositories?, mode?}` | 202 + `Location: …/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/locations/{location}/operationResults/operationStatuses/registries-{guid}` + `Retry-After` | spec ImportImageByManifestDigest.json, ImportImageByTag.json, ImportImageFromPublicRegistry.json (2025-11-01: 200, or 202 + that Location) |
 * | `GET` the Location | 202 + `Location` + `Retry-After` while copying; then 200 (no body), or the error the request would have got had it run synchronously | Azure/azure-resource-manager-rpc v1.0/async-api-reference.md, "202 Accepted and Location Headers" |
 *
 * What the request names (ImportImageParameters / ImportSource in the spec): `sourceImage` is
 * `repo` (its `latest` tag), `repo:tag` or `repo@sha256:…`; a target tag `repo[:tag]` without a tag
 * takes the source's tag, or `latest` when the source has none; `untaggedTargetRepositories` get
 * the manifest without a tag; `mode` defaults to `NoForce`, and "when NoForce, any existing target
 * tags will fail the operation before any copying begins" (the spec's ImportMode, so a tag that
 * already exists fails even when it points at the same digest), "when Force, any existing target
 * tags will be overwritten". The copy keeps the manifest digest.
 *
 * Refusals:
 * - the caller lacks `Microsoft.ContainerRegistry/registries/pull/read` on the source registry of a
 *   `resourceId`, or that registry does not exist: 403 `LinkedAuthorizationFailed`, at once (ARM
 *   checks linked scopes before the call reaches ACR). Message as MicrosoftDocs/azure-docs#33442
 *   quotes it for `az acr import` across subscriptions, the code as Azure/OpenShift#41 shows it;
 *   `pull/read` as the action named (the built-in "Container Registry Data Importer and Data Reader"
 *   role, Azure/acr#281) and the "(respectively) or the linked scope(s) are invalid" tail: assumed.
 * - a `sourceImage` with both a tag and a digest: 400 "Invalid value … for property
 *   parameters.Source.SourceImage …" (quoted in Azure/azure-cli#14337; the code is assumed).
 * - a malformed `resourceId`: 400 `LinkedInvalidPropertyId` (ARM's code for a bad linked id; wording assumed).
 * - no `source`, no `sourceImage`, neither or both of `resourceId` / `registryUri`, no target at
 *   all, a bad `mode`: 400 `InvalidParameter` (assumed).
 * - through the operation (the Location answers 400 with ARM's envelope once the copy time is up):
 *   an existing target tag under `NoForce` ("Tag web:v1 already exists in target registry.", as
 *   az relays it in Azure/azure-cli#10938); a source image that does not exist (wording assumed); a registryUri
 *   source that refuses the credentials (Azure/acr#449 quotes ACR's wording); a failure a test
 *   scripts (`failNextImport`, by default `InvalidParameters` "Error copying blobs", Azure/acr#632).
 *   The code `InvalidParameters` (Azure/acr#632) for every one of them and the 400 status: assumed.
 *
 * A `registryUri` source is an emulated registry's login server (its repository-scoped tokens are
 * the credentials, as for `docker login`) or a public registry whose images a test declared
 * (`addPublicImage`). Not modelled: multi-architecture manifest lists, tag locks, network rules.
 */
import { armError, badRequest } from '../arm-errors.ts';
import { empty } from '../http.ts';
import type { Reply } from '../http.ts';
import { guid } from '../ids.ts';
import { decodeJwt } from '../jwt.ts';
import type { Route, RouteContext } from '../router.ts';
import { isObject, isReply, RETRY_AFTER_S } from './operations.ts';
import type { WithRegistry } from './operations.ts';
import type { EmulatedRegistry } from './registry.ts';

export type ImportMode = 'NoForce' | 'Force';

/** How a scripted import failure answers at the operation's Location. */
export interface ImportFailure {
  /** Default 400. */
  status?: number;
  /** Default `InvalidParameters`. */
  code?: string;
  /** Default `Error copying blobs`. */
  message?: string;
}

/** The registry data plane as imports read and write it (the emulator wires `emulator.registryData` in). */
export interface ImageRegistry {
  /** Brings a registry up to date first: runs that pushed by now, imports that landed by now. */
  catchUp(registry: string): void;
  tagDigest(registry: string, repository: string, tag: string): string | undefined;
  hasManifest(registry: string, repository: string, digest: string): boolean;
  putTag(registry: string, repository: string, tag: string, digest: string, at: number): void;
  putManifest(registry: string, repository: string, digest: string, at: number): void;
}

/** An import operation as `AcrEmulator.imports` shows it. */
export interface ImportSnapshot {
  /** `registries-{guid}`: the last segment of the Location. */
  operationId: string;
  /** The target registry's name. */
  registry: string;
  /** `resourceId` or `registryUri`, as sent. */
  source: string;
  sourceImage: string;
  /** The digest copied (known when the source was found). */
  digest?: string;
  /** The tags it writes, `repo:tag`. */
  targetTags: string[];
  untaggedTargetRepositories: string[];
  mode: ImportMode;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
  /** Who asked (the token's `azp`). */
  clientId: string;
  startTime: Date;
  /** When it ended, or will end. */
  endTime: Date;
}

interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

interface ImportOperation {
  id: string;
  target: EmulatedRegistry;
  source: string;
  sourceImage: string;
  digest?: string;
  targetTags: { repository: string; tag: string }[];
  untaggedTargetRepositories: string[];
  mode: ImportMode;
  clientId: string;
  startedAt: number;
  readyAt: number;
  url: string;
  failure?: Required<ImportFailure>;
  landed: boolean;
}

/** Imports of all registries, denied pulls and declared public images. */
export class ImportStore {
  /** How long an accepted import takes before its image lands (default 0: done at the first poll). */
  operationMs = 0;
  /** Set by the emulator. */
  images: ImageRegistry | undefined;
  readonly #operations = new Map<string, ImportOperation>();
  /** Lower-case registry name → lower-case client ids without pull rights there (`*`: everyone). */
  readonly #deniedPull = new Map<string, Set<string>>();
  /** Lower-case registry URI → images. */
  readonly #publicImages = new Map<string, (ImageRef & { tag: string; digest: string })[]>();
  readonly #scriptedFailures: Required<ImportFailure>[] = [];

  denyPull(registry: string, clientId = '*'): void {
    const denied = this.#deniedPull.get(registry.toLowerCase()) ?? new Set<string>();
    denied.add(clientId.toLowerCase());
    this.#deniedPull.set(registry.toLowerCase(), denied);
  }

  allowPull(registry: string, clientId?: string): void {
    if (clientId === undefined) this.#deniedPull.delete(registry.toLowerCase());
    else this.#deniedPull.get(registry.toLowerCase())?.delete(clientId.toLowerCase());
  }

  mayPull(registry: string, clientId: string): boolean {
    const denied = this.#deniedPull.get(registry.toLowerCase());
    return !denied || (!denied.has('*') && !denied.has(clientId.toLowerCase()));
  }

  addPublicImage(registryUri: string, repository: string, tag: string, digest: string): void {
    const key = registryUri.toLowerCase();
    const images = (this.#publicImages.get(key) ?? []).filter((i) => !(i.repository === repository && i.tag === tag));
    images.push({ repository, tag, digest });
    this.#publicImages.set(key, images);
  }

  publicDigest(registryUri: string, ref: ImageRef): string | undefined {
    const images = this.#publicImages.get(registryUri.toLowerCase()) ?? [];
    const found = images.find((i) => i.repository === ref.repository && (ref.digest ? i.digest === ref.digest : i.tag === (ref.tag ?? 'latest')));
    return found?.digest;
  }

  scriptFailure(failure: ImportFailure): void {
    this.#scriptedFailures.push({
      status: failure.status ?? 400,
      code: failure.code ?? 'InvalidParameters',
      message: failure.message ?? 'Error copying blobs',
    });
  }

  takeScriptedFailure(): Required<ImportFailure> | undefined {
    return this.#scriptedFailures.shift();
  }

  clearScriptedFailures(): void {
    this.#scriptedFailures.length = 0;
  }

  add(op: ImportOperation): void {
    this.#operations.set(op.id.toLowerCase(), op);
  }

  get(operationId: string): ImportOperation | undefined {
    return this.#operations.get(operationId.toLowerCase());
  }

  /** Lands the imports into `registry` whose copy time is over (all registries when omitted). */
  settle(now: number, registry?: string): void {
    for (const op of this.#operations.values()) {
      if (op.landed || now < op.readyAt || (registry !== undefined && op.target.name.toLowerCase() !== registry.toLowerCase())) continue;
      op.landed = true;
      if (op.failure || !op.digest || !this.images) continue;
      for (const t of op.targetTags) this.images.putTag(op.target.name, t.repository, t.tag, op.digest, op.readyAt);
      for (const repository of op.untaggedTargetRepositories) this.images.putManifest(op.target.name, repository, op.digest, op.readyAt);
    }
  }

  snapshots(now: number, registry?: string): ImportSnapshot[] {
    this.settle(now);
    return [...this.#operations.values()]
      .filter((op) => registry === undefined || op.target.name.toLowerCase() === registry.toLowerCase())
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((op) => ({
        operationId: op.id,
        registry: op.target.name,
        source: op.source,
        sourceImage: op.sourceImage,
        ...(op.digest && { digest: op.digest }),
        targetTags: op.targetTags.map((t) => `${t.repository}:${t.tag}`),
        untaggedTargetRepositories: [...op.untaggedTargetRepositories],
        mode: op.mode,
        status: !op.landed ? 'InProgress' : op.failure ? 'Failed' : 'Succeeded',
        ...(op.landed && op.failure && { error: { code: op.failure.code, message: op.failure.message } }),
        clientId: op.clientId,
        startTime: new Date(op.startedAt),
        endTime: new Date(op.readyAt),
      }));
  }
}

// Docker distribution's repository and tag grammar (distribution/reference), lower-case repositories.
const REPOSITORY = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const SOURCE_IMAGE = new RegExp(`^(${REPOSITORY})(?::(${TAG})|@(sha256:[0-9a-f]{64}))?$`);
const TARGET_TAG = new RegExp(`^(${REPOSITORY})(?::(${TAG}))?$`);
const REPOSITORY_ONLY = new RegExp(`^${REPOSITORY}$`);
const REGISTRY_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i;
const IMPORT_ACTION = 'Microsoft.ContainerRegistry/registries/importImage/action';
const PULL_ACTION = 'Microsoft.ContainerRegistry/registries/pull/read';

interface ImportRequest {
  source: { resourceId?: string; registryUri?: string; sourceImage: string; credentials?: { username?: string; password: string } };
  ref: ImageRef;
  targetTags: { repository: string; tag: string }[];
  untaggedTargetRepositories: string[];
  mode: ImportMode;
}

const invalid = (message: string): Reply => badRequest('InvalidParameter', message);

function stringList(value: unknown, what: string): string[] | Reply {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return invalid(`The '${what}' property must be an array of strings.`);
  return value as string[];
}

/** Validates the body (ImportImageParameters) as far as ACR does before accepting the operation. */
function readRequest(body: unknown, registry: EmulatedRegistry): ImportRequest | Reply {
  if (!isObject(body)) return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  const source = body.source;
  if (!isObject(source)) return invalid("The 'source' property is required.");
  const { resourceId, registryUri, sourceImage, credentials } = source;
  if (typeof sourceImage !== 'string' || sourceImage === '') return invalid("The 'source.sourceImage' property is required.");
  if ((resourceId === undefined) === (registryUri === undefined)) return invalid("Exactly one of 'source.resourceId' and 'source.registryUri' is required.");
  if (resourceId !== undefined && typeof resourceId !== 'string') return invalid("The 'source.resourceId' property must be a string.");
  if (registryUri !== undefined && (typeof registryUri !== 'string' || registryUri === ''))
    return invalid("The 'source.registryUri' property must be a registry address.");
  if (credentials !== undefined && credentials !== null && (!isObject(credentials) || typeof credentials.password !== 'string'))
    return invalid("The 'source.credentials.password' property is required with credentials.");
  const m = SOURCE_IMAGE.exec(sourceImage);
  if (!m) {
    return invalid(
      `Invalid value ${sourceImage} for property parameters.Source.SourceImage for resource name ${registry.name}. Kindly refer to the docs: https://aka.ms/acr/import`,
    );
  }
  const ref: ImageRef = { repository: m[1]!, ...(m[2] !== undefined && { tag: m[2] }), ...(m[3] !== undefined && { digest: m[3] }) };
  const rawTags = stringList(body.targetTags, 'targetTags');
  if (isReply(rawTags)) return rawTags;
  const untagged = stringList(body.untaggedTargetRepositories, 'untaggedTargetRepositories');
  if (isReply(untagged)) return untagged;
  if (rawTags.length === 0 && untagged.length === 0) return invalid("At least one of 'targetTags' and 'untaggedTargetRepositories' is required.");
  const targetTags: ImportRequest['targetTags'] = [];
  for (const t of rawTags) {
    const tm = TARGET_TAG.exec(t);
    if (!tm) return invalid(`The target tag '${t}' is not valid: use repository[:tag].`);
    targetTags.push({ repository: tm[1]!, tag: tm[2] ?? ref.tag ?? 'latest' });
  }
  const bad = untagged.find((r) => !REPOSITORY_ONLY.test(r));
  if (bad !== undefined) return invalid(`The repository name '${bad}' in 'untaggedTargetRepositories' is not valid.`);
  const mode = body.mode ?? 'NoForce';
  if (mode !== 'NoForce' && mode !== 'Force') return invalid(`The mode '${String(mode)}' is not valid; it must be 'NoForce' or 'Force'.`);
  return {
    source: {
      sourceImage,
      ...(typeof resourceId === 'string' && { resourceId }),
      ...(typeof registryUri === 'string' && { registryUri }),
      ...(isObject(credentials) && { credentials: credentials as { username?: string; password: string } }),
    },
    ref,
    targetTags,
    untaggedTargetRepositories: [...new Set(untagged)],
    mode,
  };
}

/** The caller, from the bearer token ARM already accepted. */
function callerOf(ctx: RouteContext): { clientId: string; objectId: string } {
  const token = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1] ?? '';
  const claims = decodeJwt(token) ?? {};
  return { clientId: String(claims.azp ?? claims.appid ?? ''), objectId: String(claims.oid ?? '') };
}

function linkedAuthorizationFailed(caller: { clientId: string; objectId: string }, target: EmulatedRegistry, sourceId: string): Reply {
  return armError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${caller.clientId}' with object id '${caller.objectId}' has permission to perform action '${IMPORT_ACTION}' on scope '${target.id}'; however, it does not have permission to perform action(s) '${PULL_ACTION}' on the linked scope(s) '${sourceId}' (respectively) or the linked scope(s) are invalid.`,
  );
}

/** The declared registries, as an import looks its source up. */
export interface SourceRegistries {
  find(name: string): EmulatedRegistry | undefined;
  byLoginServer(loginServer: string): EmulatedRegistry | undefined;
  checkTokenPassword(registry: string, username: string, password: string, now: number): boolean;
}

type SourceLookup = { digest?: string; failure?: string };

function findInRegistry(images: ImageRegistry, registry: EmulatedRegistry, ref: ImageRef): string | undefined {
  images.catchUp(registry.name);
  if (ref.digest) return images.hasManifest(registry.name, ref.repository, ref.digest) ? ref.digest : undefined;
  return images.tagDigest(registry.name, ref.repository, ref.tag ?? 'latest');
}

function notFound(where: string, sourceImage: string): string {
  return `The source image '${where}/${sourceImage}' was not found.`;
}

/** Finds the source digest of a `registryUri` import; a failure here surfaces through the operation. */
function lookUpByUri(store: ImportStore, registries: SourceRegistries, images: ImageRegistry, request: ImportRequest, now: number): SourceLookup {
  const uri = request.source.registryUri!.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  const acr = registries.byLoginServer(uri);
  if (!acr) {
    const digest = store.publicDigest(uri, request.ref);
    return digest ? { digest } : { failure: notFound(uri, request.source.sourceImage) };
  }
  const creds = request.source.credentials;
  if (!creds || !registries.checkTokenPassword(acr.name, creds.username ?? '', creds.password, now)) {
    return {
      failure:
        'Invalid message Unauthorized Unauthorized {"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information."}]}',
    };
  }
  const digest = findInRegistry(images, acr, request.ref);
  return digest ? { digest } : { failure: notFound(uri, request.source.sourceImage) };
}

function locationOf(op: ImportOperation): Record<string, string | number> {
  return { Location: op.url, 'Retry-After': RETRY_AFTER_S };
}

function startImport(store: ImportStore, registries: SourceRegistries, target: EmulatedRegistry, ctx: RouteContext): Reply {
  const images = store.images;
  if (!images) throw new Error('The import store is not wired to a registry data plane.');
  const request = readRequest(ctx.req.body, target);
  if (isReply(request)) return request;
  const caller = callerOf(ctx);
  let lookup: SourceLookup;
  const resourceId = request.source.resourceId;
  if (resourceId !== undefined) {
    const id = REGISTRY_ID.exec(resourceId);
    if (!id) {
      return badRequest(
        'LinkedInvalidPropertyId',
        `Property id '${resourceId}' at path 'source.resourceId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`,
      );
    }
    const source = registries.find(id[3]!);
    const sameScope = source && source.subscriptionId.toLowerCase() === id[1]!.toLowerCase() && source.resourceGroup.toLowerCase() === id[2]!.toLowerCase();
    if (!source || !sameScope || !store.mayPull(source.name, caller.clientId)) return linkedAuthorizationFailed(caller, target, resourceId);
    const digest = findInRegistry(images, source, request.ref);
    lookup = digest ? { digest } : { failure: notFound(source.loginServer, request.source.sourceImage) };
  } else {
    lookup = lookUpByUri(store, registries, images, request, ctx.now);
  }

  // "When NoForce, any existing target tags will fail the operation before any copying begins."
  images.catchUp(target.name);
  const taken = request.mode === 'NoForce' ? request.targetTags.find((t) => images.tagDigest(target.name, t.repository, t.tag) !== undefined) : undefined;
  const reason = lookup.failure ?? (taken && `Tag ${taken.repository}:${taken.tag} already exists in target registry.`);
  const failure = reason ? { status: 400, code: 'InvalidParameters', message: reason } : store.takeScriptedFailure();

  const operationId = `registries-${guid()}`;
  const apiVersion = ctx.req.query['api-version'] ?? '2025-11-01';
  const url = `${ctx.baseUrl}/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.ContainerRegistry/locations/${target.location}/operationResults/operationStatuses/${operationId}?api-version=${encodeURIComponent(apiVersion)}`;
  const op: ImportOperation = {
    id: operationId,
    target,
    source: resourceId ?? request.source.registryUri!,
    sourceImage: request.source.sourceImage,
    ...(lookup.digest && { digest: lookup.digest }),
    targetTags: request.targetTags,
    untaggedTargetRepositories: request.untaggedTargetRepositories,
    mode: request.mode,
    clientId: caller.clientId,
    startedAt: ctx.now,
    readyAt: ctx.now + Math.max(0, store.operationMs),
    url,
    ...(failure && { failure }),
    landed: false,
  };
  store.add(op);
  return empty(202, locationOf(op));
}

/** The answer at an import's Location: running, landed, or the error it ended with. */
function pollImport(store: ImportStore, ctx: RouteContext): Reply {
  const op = store.get(ctx.params.operationId!);
  const { subscriptionId, resourceGroupName } = ctx.params;
  // An operation is only visible in the subscription and resource group it was started in (async-api-reference.md, "Operation result rules").
  const here =
    op &&
    op.target.subscriptionId.toLowerCase() === subscriptionId!.toLowerCase() &&
    op.target.resourceGroup.toLowerCase() === resourceGroupName!.toLowerCase();
  if (!op || !here) return armError(404, 'OperationNotFound', `The operation '${ctx.params.operationId}' could not be found.`);
  if (ctx.now < op.readyAt) return empty(202, locationOf(op));
  store.settle(ctx.now, op.target.name);
  return op.failure ? armError(op.failure.status, op.failure.code, op.failure.message) : empty(200);
}

/** The import routes: the POST under each registry, the operation Location under its resource group. */
export function importRoutes(
  registryPattern: string,
  store: ImportStore,
  registries: SourceRegistries,
  withRegistry: WithRegistry,
  apiVersions: RegExp,
): Route[] {
  return [
    {
      method: 'POST',
      pattern: `${registryPattern}/importImage`,
      apiVersions,
      handler: withRegistry((registry, ctx) => startImport(store, registries, registry, ctx)),
    },
    {
      method: 'GET',
      pattern:
        '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/locations/{location}/operationResults/operationStatuses/{operationId}',
      apiVersions,
      handler: (ctx) => pollImport(store, ctx),
    },
  ];
}
