import { createServer, type Server } from 'node:http';

/**
 * `GET /healthz` for processes without the Slack HTTP receiver (worker role, Socket Mode),
 * so orchestrators can probe every replica the same way.
 */
export async function startHealthServer(port: number, healthy: () => Promise<boolean>): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    healthy().then(
      (ok) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
      },
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
