/**
 * Request body parsing the way Slack's Web API accepts it: `application/x-www-form-urlencoded`
 * (JSON-valued fields such as `blocks` arrive as JSON strings and are decoded here),
 * `application/json` (token only via `Authorization`), `multipart/form-data`, plus query-string
 * arguments.
 */
import type { IncomingMessage } from 'node:http';

/** Arguments whose form-encoded values are JSON documents (WebClient `JSON.stringify`s non-scalars). */
const JSON_ARGS = new Set(['blocks', 'attachments', 'files', 'metadata', 'view', 'file_ids', 'user_auth_blocks']);
/** Arguments Slack treats as booleans; form values `"true"`/`"1"` become `true`. */
const BOOLEAN_ARGS = new Set([
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'as_user',
  'link_names',
  'include_locale',
  'include_num_members',
  'include_disabled',
  'is_private',
]);

/** The parsed form of one request. */
export interface ParsedRequest {
  /** Arguments with `token` removed. */
  args: Record<string, unknown>;
  /** Token from `Authorization: Bearer`, else from a form/query `token` field. */
  token?: string;
  contentType: string;
  /** Raw bytes of the body. */
  raw: Buffer;
  /** A Slack error code when the body could not be understood (`invalid_json`, …). */
  parseError?: string;
  /** Parts of a multipart body that were files (name → bytes). */
  fileParts: { field: string; filename: string; bytes: Buffer }[];
}

/** Reads the whole body of a request. */
export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The media type of a `Content-Type` header, lower-cased, without parameters. */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function normaliseValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (JSON_ARGS.has(key)) {
    const trimmed = value.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return value;
      }
    }
    return value;
  }
  if (BOOLEAN_ARGS.has(key)) {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0' || value === '') return false;
  }
  return value;
}

/** Multipart bodies are parsed with the platform's `Response#formData()` (undici), no dependency needed. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * Parses a request to an API method.
 * Slack accepts the token as a bearer header for every body type, and as a `token` field only in
 * form/query arguments (JSON bodies must use the header), which is what is implemented here.
 */
export async function parseApiRequest(req: IncomingMessage, url: URL): Promise<ParsedRequest> {
  const raw = await readRaw(req);
  const contentType = req.headers['content-type'] ?? '';
  const type = mediaType(contentType);
  const args: Record<string, unknown> = {};
  const fileParts: ParsedRequest['fileParts'] = [];
  let parseError: string | undefined;
  let fieldToken: string | undefined;

  for (const [key, value] of url.searchParams) args[key] = value;

  if (raw.length > 0) {
    if (type === 'application/json') {
      try {
        const parsed = JSON.parse(raw.toString('utf8')) as unknown;
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) parseError = 'json_not_object';
        else {
          const { token: _ignored, ...rest } = parsed as Record<string, unknown>;
          Object.assign(args, rest);
        }
      } catch {
        parseError = 'invalid_json';
      }
    } else if (type === 'application/x-www-form-urlencoded') {
      for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = value;
    } else if (type === 'multipart/form-data') {
      try {
        const form = await parseMultipart(raw, contentType);
        for (const [key, value] of form) {
          if (typeof value === 'string') args[key] = value;
          else fileParts.push({ field: key, filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
        }
      } catch {
        parseError = 'invalid_form_data';
      }
    } else if (type === '') {
      parseError = 'missing_post_type';
    } else {
      parseError = 'invalid_post_type';
    }
  }

  if (typeof args.token === 'string') fieldToken = args.token;
  delete args.token;
  for (const [key, value] of Object.entries(args)) args[key] = normaliseValue(key, value);

  const token = bearer(req) ?? fieldToken;
  return { args, ...(token !== undefined ? { token } : {}), contentType, raw, ...(parseError ? { parseError } : {}), fileParts };
}

/**
 * Extracts the uploaded bytes of a request to an upload URL: the first file part of a multipart body
 * (what WebClient's `filesUploadV2` sends, as a field named `body`) or the raw body otherwise.
 */
export async function parseUploadBody(req: IncomingMessage): Promise<{ bytes: Buffer; contentType: string; filename?: string }> {
  const raw = await readRaw(req);
  const contentType = req.headers['content-type'] ?? '';
  if (mediaType(contentType) === 'multipart/form-data') {
    const form = await parseMultipart(raw, contentType);
    for (const [, value] of form) {
      if (typeof value !== 'string') {
        return { bytes: Buffer.from(await value.arrayBuffer()), contentType, filename: value.name };
      }
    }
    // A multipart body without a file part: take the first text field as the content.
    for (const [, value] of form) {
      if (typeof value === 'string') return { bytes: Buffer.from(value, 'utf8'), contentType };
    }
    return { bytes: Buffer.alloc(0), contentType };
  }
  return { bytes: raw, contentType };
}

/** Decodes a `response_url` body: JSON (what Bolt's `respond()` sends) or a form with a `payload` field. */
export function parseResponseUrlBody(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  const type = mediaType(contentType);
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) {
      try {
        return JSON.parse(payload) as unknown;
      } catch {
        return payload;
      }
    }
    return Object.fromEntries(form);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
