import { createServer, type Server } from 'node:http';
import { serveOps, type OpsView } from './ops-endpoints.ts';

/**
 * `/healthz`, `/readyz` and `/metrics` for processes without the Slack HTTP receiver (worker
 * role, Socket Mode), so orchestrators and Prometheus reach every replica the same way.
 */
export async function startHealthServer(port: number, view: OpsView): Promise<Server> {
  const server = createServer((req, res) => {
    if (!serveOps(view, req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
