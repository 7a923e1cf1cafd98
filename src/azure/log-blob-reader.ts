import type { LogChunk, LogLink, LogReader } from '../core/build/acr-builds.ts';
import { AzureOperationError } from '../core/azure-errors.ts';

/**
 * Reads ACR's run log, an append blob behind a SAS URL (or, whole, its artifact), the way `az acr build` streams it:
 * ranged GETs from the last offset; the run is over when the blob's metadata has `Complete`.
 * Only whole lines are consumed so a multi-byte character is never split between reads.
 * The URL is a credential: it never appears in errors or logs.
 */
export class BlobLogReader implements LogReader {
  readonly #fetch: typeof fetch;
  constructor(fetchFn: typeof fetch = fetch) {
    this.#fetch = fetchFn;
  }

  async read(url: string, offset: number, maxBytes: number): Promise<LogChunk> {
    const res = await this.#send(url, 'GET', { Range: `bytes=${offset}-${offset + maxBytes - 1}` });
    if (res.status === 404) return { exists: false, text: '', nextOffset: offset };
    if (res.status === 416) {
      // Nothing new past `offset`; only the properties can tell whether the run is over.
      const head = await this.#send(url, 'HEAD');
      if (head.status === 404) return { exists: false, text: '', nextOffset: offset };
      this.#assertOk(head, 'read the build log');
      const complete = completeOf(head.headers);
      const length = Number(head.headers.get('content-length') ?? offset);
      return { exists: true, text: '', nextOffset: Math.min(offset, length), ...(complete && length <= offset && { complete }) };
    }
    this.#assertOk(res, 'read the build log');
    const bytes = Buffer.from(await res.arrayBuffer());
    const total = totalOf(res.headers) ?? offset + bytes.length;
    const atEnd = offset + bytes.length >= total;
    const complete = atEnd ? completeOf(res.headers) : undefined;
    let take = bytes.length;
    if (!complete && bytes.length < maxBytes) {
      const newline = bytes.lastIndexOf(0x0a);
      take = newline + 1; // hold back a partial last line until it is finished
    }
    return {
      exists: true,
      text: bytes.subarray(0, take).toString('utf8'),
      nextOffset: offset + take,
      ...(complete && { complete }),
    };
  }

  async readAll(link: LogLink, maxBytes: number): Promise<{ text: string; truncatedBytes: number }> {
    const { url } = link;
    if (link.artifact) {
      // One plain GET, as az reads a log artifact (acr/_stream_utils.py, `_stream_artifact_logs`).
      const res = await this.#send(url, 'GET');
      if (res.status === 404) return { text: '', truncatedBytes: 0 };
      this.#assertOk(res, 'read the build log');
      const bytes = Buffer.from(await res.arrayBuffer());
      const start = Math.max(0, bytes.length - maxBytes);
      return { text: bytes.subarray(start).toString('utf8'), truncatedBytes: start };
    }
    const head = await this.#send(url, 'HEAD');
    if (head.status === 404) return { text: '', truncatedBytes: 0 };
    this.#assertOk(head, 'read the build log');
    const length = Number(head.headers.get('content-length') ?? 0);
    if (length === 0) return { text: '', truncatedBytes: 0 };
    const start = Math.max(0, length - maxBytes);
    const res = await this.#send(url, 'GET', start > 0 ? { Range: `bytes=${start}-` } : {});
    this.#assertOk(res, 'read the build log');
    return { text: Buffer.from(await res.arrayBuffer()).toString('utf8'), truncatedBytes: start };
  }

  async #send(url: string, method: 'GET' | 'HEAD', headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await this.#fetch(url, { method, headers: { 'x-ms-version': '2021-08-06', ...headers } });
    } catch (err) {
      throw new AzureOperationError('Could not reach the build log storage.', {
        transient: true,
        hint: 'This is retried automatically.',
        cause: new Error((err as Error).name),
      });
    }
  }

  #assertOk(res: Response, doing: string): void {
    if (res.ok || res.status === 206) return;
    throw new AzureOperationError(
      `Could not ${doing} (HTTP ${res.status}${res.headers.get('x-ms-error-code') ? `, ${res.headers.get('x-ms-error-code')}` : ''}).`,
      {
        statusCode: res.status,
        transient: res.status === 403 || res.status === 429 || res.status >= 500,
        hint: 'The log link may have expired; the bot asks ACR for a fresh one and retries.',
      },
    );
  }
}

function completeOf(headers: Headers): string | undefined {
  // Metadata names are case-insensitive; ACR writes `Complete`.
  return headers.get('x-ms-meta-complete')?.toLowerCase() || undefined;
}

function totalOf(headers: Headers): number | undefined {
  const m = /\/(\d+)$/.exec(headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}
