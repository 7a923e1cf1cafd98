import type { IncomingMessage, ServerResponse } from 'node:http';
import { readinessAnswer, type ReadinessResult } from './readiness.ts';

/** What the operations endpoints report: this process's own view, or the supervisor's merged one. */
export interface OpsView {
  /** Liveness: the process (every child, under a supervisor) is up and its loops run. Cheap: no network. */
  health(): Promise<{ ok: boolean; detail?: string }>;
  readiness(): Promise<ReadinessResult[]>;
  /** Prometheus text exposition. */
  metrics(): Promise<{ contentType: string; text: string }>;
}

export const opsPaths = ['/healthz', '/readyz', '/metrics'] as const;

/**
 * `GET /healthz` (liveness), `GET /readyz` (readiness, 503 naming what is not ready) and
 * `GET /metrics` (Prometheus). Returns false for any other request, for the caller to handle.
 */
export function serveOps(view: OpsView, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' || !(opsPaths as readonly string[]).includes(path ?? '')) return false;
  const answer = async (): Promise<{ status: number; type: string; body: string }> => {
    if (path === '/metrics') {
      const { contentType, text } = await view.metrics();
      return { status: 200, type: contentType, body: text };
    }
    if (path === '/readyz') {
      const { status, body } = readinessAnswer(await view.readiness());
      return { status, type: 'application/json', body: JSON.stringify(body) };
    }
    const health = await view.health();
    return {
      status: health.ok ? 200 : 503,
      type: 'application/json',
      body: JSON.stringify({ status: health.ok ? 'ok' : 'unavailable', ...(health.detail && { detail: health.detail }) }),
    };
  };
  answer().then(
    ({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    },
    (err: unknown) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'unavailable', detail: (err as Error).message }));
    },
  );
  return true;
}
