/**
 * Wire-level building blocks shared by every emulated Azure service: the recorded request,
 * the reply a handler returns, and body parsing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Which Azure service a request went to. Each family has its own error format and common
 * headers (see `families.ts`); tests count them separately, e.g. ARM requests per build.
 */
export type ServiceFamily = 'identity' | 'arm' | 'blob' | 'keyvault' | 'acr-data' | 'graph' | 'other';

/** One request the emulator received, as tests see it. */
export interface RecordedRequest {
  /** The service the request was addressed to. */
  kind: ServiceFamily;
  /** Upper-case HTTP method. */
  method: string;
  /** URL path without the query, percent-decoding left as sent. */
  path: string;
  /** Query parameters (the last value wins when a name repeats). */
  query: Record<string, string>;
  /** Request headers with lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed body: JSON value, form fields as an object, text, or `undefined` when empty. */
  body: unknown;
  /** When the request arrived. */
  at: Date;
  /** The status the emulator answered with (set once the reply is chosen). */
  status?: number;
}

/** What a handler answers. `body` objects are sent as JSON; strings and buffers as they are. */
export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer | object;
}

/** A JSON reply. */
export function json(status: number, body: unknown, headers: Record<string, string | number> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** A reply without a body. */
export function empty(status: number, headers: Record<string, string | number> = {}): Reply {
  return { status, headers };
}

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a body by its content type; malformed JSON stays text so handlers can reject it. */
export function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Flattens Node's header object to lower-case single strings. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Writes a reply; HEAD answers keep the headers (including Content-Length) but send no body. */
export function send(res: ServerResponse, reply: Reply, method: string): void {
  const body = reply.body === undefined ? undefined : typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = { ...reply.headers };
  const hasLength = Object.keys(headers).some((h) => h.toLowerCase() === 'content-length');
  if (!hasLength) headers['Content-Length'] = body === undefined ? 0 : Buffer.byteLength(body);
  res.writeHead(reply.status, headers);
  if (method === 'HEAD' || body === undefined) res.end();
  else res.end(body);
}
