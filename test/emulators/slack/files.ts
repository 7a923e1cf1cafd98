/**
 * The upload endpoint handed out by `files.getUploadURLExternal`
 * (`http://127.0.0.1:PORT/upload/<fileId>`), plus small file helpers.
 *
 * Like Slack's upload URL it needs no token, takes the bytes raw or as multipart
 * (WebClient's `filesUploadV2` sends multipart with one file field named `body`, filename
 * `Untitled`, and also sends its `Authorization` header), and answers `200 OK - <bytes>`.
 */
import type { SlackStore } from './store.ts';
import type { EmulatedFile } from './types.ts';

/** Path prefix of upload URLs. */
export const UPLOAD_PATH = '/upload/';

/** The upload URL of a file id. */
export function uploadUrl(baseUrl: string, fileId: string): string {
  return `${baseUrl}${UPLOAD_PATH}${encodeURIComponent(fileId)}`;
}

/** Outcome of receiving bytes at an upload URL. */
export interface UploadOutcome {
  status: number;
  text: string;
}

/** Stores uploaded bytes for `fileId`; 404 when no such pending upload exists. */
export function receiveUpload(store: SlackStore, fileId: string, bytes: Buffer): UploadOutcome {
  const file = store.files.get(fileId);
  if (!file || file.completed) return { status: 404, text: 'file_not_found' };
  file.bytes = bytes;
  file.content = bytes.toString('utf8');
  file.uploaded = true;
  return { status: 200, text: `OK - ${bytes.length}` };
}

const MIME: Record<string, [mimetype: string, filetype: string]> = {
  txt: ['text/plain', 'text'],
  log: ['text/plain', 'text'],
  json: ['application/json', 'json'],
  md: ['text/markdown', 'markdown'],
  yaml: ['text/yaml', 'yaml'],
  yml: ['text/yaml', 'yaml'],
  csv: ['text/csv', 'csv'],
  png: ['image/png', 'png'],
  gz: ['application/gzip', 'gzip'],
};

/** The `mimetype` / `filetype` Slack would report for a filename (plain text when unknown). */
export function fileTypeOf(filename: string): { mimetype: string; filetype: string } {
  const ext = filename.includes('.') ? (filename.split('.').pop() ?? '').toLowerCase() : '';
  const [mimetype, filetype] = MIME[ext] ?? ['text/plain', 'text'];
  return { mimetype, filetype };
}

/** A file object in the shape `files.completeUploadExternal` answers. */
export function wireFile(file: EmulatedFile, teamId: string, teamDomain: string, baseUrl: string): Record<string, unknown> {
  const created = Math.floor(Date.now() / 1000);
  return {
    id: file.id,
    created,
    timestamp: created,
    name: file.filename,
    title: file.title,
    ...fileTypeOf(file.filename),
    user: file.user,
    user_team: teamId,
    size: file.bytes.length,
    url_private: `${baseUrl}/files-pri/${teamId}-${file.id}/${encodeURIComponent(file.filename)}`,
    permalink: `https://${teamDomain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.filename)}`,
    ...(file.channel !== undefined ? { channels: [file.channel] } : {}),
  };
}
