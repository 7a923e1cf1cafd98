/**
 * ACR's run log as Azure Storage serves it: an append blob `…/logs/{runId}/rawtext.log` behind
 * a read-only SAS URL from `listLogSasUrl`. The blob appears once the run starts, grows while it
 * runs, and gets the `Complete` metadata (`x-ms-meta-Complete: successful|failed|…`, see run.ts) when the
 * run is over — the signal `az acr build` (and the bot) stop streaming on.
 */
import { randomBytes } from 'node:crypto';
import type { Reply } from '../http.ts';
import { isoSeconds } from '../ids.ts';
import type { Route, RouteContext } from '../router.ts';
import { storageError } from '../storage.ts';
import { advance } from './run.ts';
import type { EmulatedRun, LogBlob } from './run.ts';

/** The SAS service version ACR's log links carry (sv/sr/sp/se/sig: learn.microsoft.com/rest/api/storageservices/create-service-sas; this version assumed). */
export const LOG_SAS_VERSION = '2019-02-02';

/** Path prefixes of log blobs and of log artifacts. */
export const LOG_BLOB_PATHS = /^\/acr(logs|logartifacts)\//i;

/**
 * `listLogSasUrl`'s answer: a read-only SAS link to the run's log blob, valid for `ttlMs`
 * (RunsGetLogSasUrl.json, 2019-06-01-preview), plus `logArtifactLink` for a run scheduled with a
 * `logTemplate` (RunGetLogResult: "the link to logs in registry"; when ACR sends it is assumed).
 */
export function issueLogLinks(run: EmulatedRun, baseUrl: string, now: number, ttlMs: number): { logLink: string; logArtifactLink?: string } {
  const sig = randomBytes(32).toString('base64');
  const se = isoSeconds(now + ttlMs);
  run.sas.set(sig, { se, expiresAt: now + ttlMs });
  const query = `sv=${LOG_SAS_VERSION}&sr=b&sig=${encodeURIComponent(sig)}&se=${encodeURIComponent(se)}&sp=r`;
  const registry = run.registry.name.toLowerCase();
  return {
    logLink: `${baseUrl}/acrlogs/${registry}/logs/${run.runId}/rawtext.log?${query}`,
    ...(run.request.logTemplate && { logArtifactLink: `${baseUrl}/acrlogartifacts/${registry}/${run.runId}/rawtext.log?${query}` }),
  };
}

/**
 * Storage's 403 AuthenticationFailed (forged or expired SAS) or 404 (no SAS at all, like any
 * private container); `undefined` when the SAS is good (…/storageservices/blob-service-error-codes).
 */
function checkSas(ctx: RouteContext, run: EmulatedRun | undefined): Reply | undefined {
  const { sig, se, sp, sr, sv } = ctx.req.query;
  if (!sig) return storageError(ctx, 404, 'ResourceNotFound', 'The specified resource does not exist.');
  const issued = run?.sas.get(sig);
  const authFailed = (detail: string) =>
    storageError(
      ctx,
      403,
      'AuthenticationFailed',
      'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      { detail },
    );
  if (!issued || se !== issued.se || sp !== 'r' || sr !== 'b' || sv !== LOG_SAS_VERSION) {
    return authFailed(`Signature did not match. String to sign used was ${sp ?? ''}\n\n${se ?? ''}\n${ctx.req.path}\n\n\n\n${sv ?? ''}\nb\n\n\n\n\n\n`);
  }
  if (issued.expiresAt <= ctx.now) {
    return authFailed(`Signed expiry time [${new Date(issued.expiresAt).toUTCString()}] has to be after current time [${new Date(ctx.now).toUTCString()}]`);
  }
  return undefined;
}

// ETag, Last-Modified, x-ms-blob-type, x-ms-meta-*: …/storageservices/get-blob-properties and get-blob; the ETag's digits assumed.
function etag(blob: LogBlob): string {
  // Storage ETags look like "0x8DC5F2A1B2C3D4E": a FILETIME-like counter in hex.
  return `"0x${(0x8d000000000000n + BigInt(blob.lastModified) * 1000n + BigInt(blob.version)).toString(16).toUpperCase()}"`;
}

function blobHeaders(blob: LogBlob): Record<string, string | number> {
  return {
    'Content-Type': 'application/octet-stream',
    'Last-Modified': new Date(blob.lastModified).toUTCString(),
    ETag: etag(blob),
    'Accept-Ranges': 'bytes',
    'x-ms-blob-type': 'AppendBlob',
    'x-ms-blob-committed-block-count': blob.appends,
    'x-ms-creation-time': new Date(blob.createdAt).toUTCString(),
    'x-ms-lease-status': 'unlocked',
    'x-ms-lease-state': 'available',
    'x-ms-server-encrypted': 'true',
    ...(blob.complete && { 'x-ms-meta-Complete': blob.complete }),
  };
}

/** `{start, end?}` from `x-ms-range` (preferred, as Storage does) or `Range`; malformed ranges are ignored (…/storageservices/specifying-the-range-header-for-blob-service-operations). */
function requestedRange(ctx: RouteContext): { start: number; end?: number } | undefined {
  const header = ctx.req.headers['x-ms-range'] ?? ctx.req.headers.range;
  const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : undefined;
  if (end !== undefined && end < start) return undefined;
  return { start, ...(end !== undefined && { end }) };
}

function serveBlob(ctx: RouteContext, blob: LogBlob): Reply {
  const length = blob.data.length;
  const headers = blobHeaders(blob);
  if (ctx.req.method === 'HEAD') return { status: 200, headers: { ...headers, 'Content-Length': length } };
  const range = requestedRange(ctx);
  if (!range) return { status: 200, headers: { ...headers, 'Content-Length': length }, body: blob.data };
  // 416 InvalidRange past the end, 206 + Content-Range otherwise (get-blob, blob-service-error-codes).
  if (range.start >= length) {
    return storageError(ctx, 416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.', {
      headers: { 'Content-Range': `bytes */${length}` },
    });
  }
  const end = Math.min(range.end ?? length - 1, length - 1);
  const body = blob.data.subarray(range.start, end + 1);
  return { status: 206, headers: { ...headers, 'Content-Length': body.length, 'Content-Range': `bytes ${range.start}-${end}/${length}` }, body };
}

/**
 * `HEAD` and `GET` on log blobs; `findRun` resolves registry name + run id. The blob is absent
 * (404 BlobNotFound) until the run starts: az checks `exists` before streaming (acr/_stream_utils.py).
 */
export function logBlobRoutes(findRun: (registryName: string, runId: string) => EmulatedRun | undefined): Route[] {
  const handler = (ctx: RouteContext): Reply => {
    const run = findRun(ctx.params.registry!, ctx.params.runId!);
    const denied = checkSas(ctx, run);
    if (denied || !run) return denied ?? storageError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.');
    advance(run, ctx.now);
    if (!run.blob) return storageError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.');
    return serveBlob(ctx, run.blob);
  };
  // az reads a log artifact with one plain GET (Azure/azure-cli acr/_stream_utils.py,
  // `_stream_artifact_logs`). That it appears whole once the run is over is assumed.
  const artifact = (ctx: RouteContext): Reply => {
    const run = findRun(ctx.params.registry!, ctx.params.runId!);
    const denied = checkSas(ctx, run);
    if (denied || !run) return denied ?? storageError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.');
    advance(run, ctx.now);
    if (!run.request.logTemplate || !run.blob?.complete) return storageError(ctx, 404, 'BlobNotFound', 'The specified blob does not exist.');
    return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': run.blob.data.length }, body: run.blob.data };
  };
  const pattern = '/acrlogs/{registry}/logs/{runId}/rawtext.log';
  return [
    { method: 'HEAD', pattern, handler },
    { method: 'GET', pattern, handler },
    { method: 'GET', pattern: '/acrlogartifacts/{registry}/{runId}/rawtext.log', handler: artifact },
  ];
}
