import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AdminConfig } from '../config/config.ts';
import type { AuditLog } from '../core/audit.ts';
import { createBasicAuth } from './basic-auth.ts';

export interface AdminServerOptions {
  config: AdminConfig;
  /** The queues shown, each with a line saying what it holds. */
  queues: { queue: Queue; description: string }[];
  /** Every retry or clean is audited first; one that cannot be audited does not happen. */
  audit: AuditLog;
  logger: Logger;
}

/**
 * The only writes the dashboard accepts with `CHATOPS_ADMIN_WRITE=true`: retrying failed jobs
 * and cleaning finished ones, one job or every job in a state. A waiting, delayed or active job
 * is live work (a build being followed, a deploy waiting for its approval), so it is never
 * removed or re-run from here; and everything else Bull Board offers (pause, empty, obliterate,
 * add or edit jobs, schedulers) stays refused: those lose work or run something nobody asked
 * for in Slack.
 */
const allowedWrites: readonly { pattern: RegExp; action: 'retry' | 'clean'; scope: 'state' | 'job'; states: readonly string[] }[] = [
  { pattern: /^\/api\/queues\/([^/]+)\/retry\/([a-z-]+)$/, action: 'retry', scope: 'state', states: ['failed'] },
  { pattern: /^\/api\/queues\/([^/]+)\/clean\/([a-z-]+)$/, action: 'clean', scope: 'state', states: ['completed', 'failed'] },
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/, action: 'retry', scope: 'job', states: ['failed'] },
  { pattern: /^\/api\/queues\/([^/]+)\/([^/]+)\/clean$/, action: 'clean', scope: 'job', states: ['completed', 'failed'] },
];

/**
 * Bull Board on its own port: HTTP Basic on every request (the UI, its assets and its API),
 * read-only unless `config.write`, and then only retry and clean. Bull Board's Express adapter
 * is mounted as the request handler of a plain node:http server, so the checks below run
 * before Express sees anything.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<Server> {
  const { config, logger } = options;
  const board = new ExpressAdapter();
  board.setBasePath('');
  createBullBoard({
    queues: options.queues.map(({ queue, description }) => new BullMQAdapter(queue, { readOnlyMode: !config.write, allowRetries: config.write, description })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'azure-chatops queues' } },
  });
  const handle = board.getRouter() as (req: IncomingMessage, res: ServerResponse) => void;
  const authenticate = createBasicAuth(config.user, config.password);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSafetyHeaders(res);
    const who = authenticate(req);
    if (!who.ok) {
      logger.warn({ remote: req.socket.remoteAddress, path: pathOf(req) }, 'queue dashboard: request without valid credentials');
      res
        .writeHead(401, { 'WWW-Authenticate': 'Basic realm="azure-chatops queues", charset="UTF-8"', 'content-type': 'text/plain' })
        .end('Credentials required.\n');
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') return handle(req, res);
    const write = allowedWrites.find((w) => w.pattern.test(pathOf(req)));
    if (!config.write || !write || req.method !== 'PUT' || crossSite(req)) {
      refuse(
        res,
        config.write
          ? 'Only retrying failed jobs and cleaning finished ones is allowed from the dashboard.'
          : 'The dashboard is read-only; start the worker with CHATOPS_ADMIN_WRITE=true to retry or clean jobs.',
      );
      return;
    }
    const [, queueName, what] = write.pattern.exec(pathOf(req))!.map((part) => decodeURIComponent(part));
    const queue = options.queues.find((q) => q.queue.name === queueName)?.queue;
    const state = write.scope === 'state' ? what! : await queue?.getJobState(what!);
    if (!queue || !state || !write.states.includes(state)) {
      refuse(
        res,
        `Only ${write.states.join(' or ')} jobs can be ${write.action === 'retry' ? 'retried' : 'cleaned'} from the dashboard${state && state !== 'unknown' ? `, not ${state} ones` : ''}.`,
      );
      return;
    }
    try {
      await options.audit.record({
        actor: `dashboard:${who.user}`,
        action: `dashboard.${write.action}`,
        outcome: 'accepted',
        target: queueName!,
        ...(write.scope === 'job' ? { jobId: what! } : { details: { state: what! } }),
      });
    } catch (err) {
      logger.error({ err }, 'queue dashboard: could not audit a write; refused');
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'The audit log cannot be written right now, so nothing was changed. Try again when Redis is healthy.' }));
      return;
    }
    handle(req, res);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      logger.error({ err }, 'queue dashboard request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = await listen(server, config.port, config.host);
  if (!isLoopback(config.host)) {
    logger.warn(
      { host: config.host, port },
      'queue dashboard listens beyond this machine: put it behind TLS, HTTP Basic sends the password with every request',
    );
  }
  logger.info({ host: config.host, port, write: config.write }, 'queue dashboard listening');
  return server;
}

/** The dashboard must never be framed by another site (clickjacking a Retry) or cached by a proxy. */
function setSafetyHeaders(res: ServerResponse): void {
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** Resolves to the port listened on once listening, or rejects with why it could not. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://admin.invalid').pathname;
}

/**
 * A browser sends Basic credentials with cross-site requests too, so a write must come from
 * the dashboard's own page: an `Origin` naming another host is refused.
 */
function crossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

function refuse(res: ServerResponse, message: string): void {
  res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
