import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  url: string;
  port: number;
  process: ChildProcess;
  /** Shuts the server down (SIGTERM: an AOF is flushed, as in a planned restart or failover). Resolves when it has exited. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port and directory (an AOF is replayed) and waits until it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free port with its own directory, for tests that must stop
 * or restart Redis without touching the shared one.
 */
export async function startOwnRedis(options: { port?: number; dir?: string; appendonly?: boolean; tls?: boolean } = {}): Promise<OwnRedis> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'chatops-redis-'));
  // TLS with the emulators' throwaway CA (trusted by the tests through NODE_EXTRA_CA_CERTS); no plain port then.
  const certs = join(import.meta.dirname, '..', '.certs');
  const listen = options.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        join(certs, 'server.pem'),
        '--tls-key-file',
        join(certs, 'server-key.pem'),
        '--tls-ca-cert-file',
        join(certs, 'ca.pem'),
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const url = options.tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`;
  const spawnServer = async (): Promise<ChildProcess> => {
    const proc = spawn(
      'redis-server',
      [...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    probe.disconnect();
    return proc;
  };
  const exit = async (proc: ChildProcess, signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };
  const own: OwnRedis = {
    url,
    port,
    process: await spawnServer(),
    shutdown: () => exit(own.process, 'SIGTERM'),
    async restart() {
      await exit(own.process, 'SIGTERM');
      own.process = await spawnServer();
    },
    async stop() {
      await exit(own.process, 'SIGKILL');
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return own;
}

export async function redisReachable(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
