/**
 * The queue dashboard's gate, over HTTP against real BullMQ queues: HTTP Basic on everything,
 * read-only by default, and with CHATOPS_ADMIN_WRITE only retrying failed jobs and cleaning
 * finished ones, each audited first.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditWriteError } from '../../src/core/audit.ts';
import { startAdminServer } from '../../src/runtime/admin-server.ts';
import { FakeAudit } from '../fakes/index.ts';

const user = 'ops';
const password = 'correct-horse-battery-staple';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

let redis: Redis;
let queue: Queue;
let server: Server | undefined;
let audit: FakeAudit;

beforeEach(async () => {
  redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
  await redis.flushdb();
  queue = new Queue(`admin-test-${Date.now()}`, { connection: redis, prefix: 'chatops-test' });
  audit = new FakeAudit();
});

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
});

async function start(write: boolean): Promise<string> {
  server = await startAdminServer({
    config: { port: 0, host: '127.0.0.1', user, password, write },
    queues: [{ queue, description: 'test jobs' }],
    audit,
    logger: pino({ level: 'silent' }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One failed job and one delayed job, as a worker leaves them. */
async function failedAndDelayed(): Promise<{ failed: string; delayed: string }> {
  await queue.add('build', { n: 1 }, { jobId: 'jfailed' });
  const worker = new Worker(
    queue.name,
    async () => {
      throw new Error('ACR said no');
    },
    { connection: redis.duplicate(), prefix: 'chatops-test' },
  );
  await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
  await worker.close();
  await queue.add('deploy', { n: 2 }, { jobId: 'jdelayed', delay: 60_000 });
  return { failed: 'jfailed', delayed: 'jdelayed' };
}

describe('queue dashboard access', () => {
  it('answers 401 with a Basic challenge to requests without the right credentials, on the page, its assets and its API', async () => {
    const url = await start(false);
    for (const path of ['/', '/api/queues', '/static/js/main.f10757109b.js']) {
      for (const authorization of [undefined, basic(user, 'wrong-password-123'), basic('admin', password), 'Bearer abc', basic(user, '')]) {
        const res = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
        expect(res.status, `${path} with ${authorization}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(await res.text()).not.toContain('jobs');
      }
    }
    const ok = await fetch(`${url}/api/queues`, { headers: { authorization: basic(user, password) } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name)).toEqual([queue.name]);
    expect(body.queues[0]!.readOnlyMode).toBe(true);
    expect(ok.headers.get('x-frame-options')).toBe('DENY');
  });

  it('is read-only by default: retry, clean, pause and obliterate are refused and change nothing', async () => {
    const { failed } = await failedAndDelayed();
    const url = await start(false);
    const headers = { authorization: basic(user, password) };
    for (const [method, path] of [
      ['PUT', `/api/queues/${queue.name}/${failed}/retry`],
      ['PUT', `/api/queues/${queue.name}/retry/failed`],
      ['PUT', `/api/queues/${queue.name}/clean/failed`],
      ['PUT', `/api/queues/${queue.name}/pause`],
      ['PUT', `/api/queues/${queue.name}/obliterate`],
      ['POST', `/api/queues/${queue.name}/add`],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method, headers });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.text()).toContain('CHATOPS_ADMIN_WRITE=true');
    }
    expect(await queue.getJobState(failed)).toBe('failed');
    expect(await queue.isPaused()).toBe(false);
    expect(audit.events).toEqual([]);
  });
});

describe('queue dashboard with CHATOPS_ADMIN_WRITE=true', () => {
  it('retries a failed job and cleans completed ones, auditing each as the dashboard user first', async () => {
    const { failed } = await failedAndDelayed();
    const url = await start(true);
    const headers = { authorization: basic(user, password) };
    const retried = await fetch(`${url}/api/queues/${queue.name}/${failed}/retry`, { method: 'PUT', headers });
    expect(retried.ok).toBe(true);
    expect(await queue.getJobState(failed)).toBe('waiting');
    expect(audit.events).toEqual([
      expect.objectContaining({ actor: `dashboard:${user}`, action: 'dashboard.retry', outcome: 'accepted', target: queue.name, jobId: failed }),
    ]);
    const cleaned = await fetch(`${url}/api/queues/${queue.name}/clean/completed`, { method: 'PUT', headers });
    expect(cleaned.ok).toBe(true);
    expect(audit.events.at(-1)).toMatchObject({ action: 'dashboard.clean', details: { state: 'completed' } });
  });

  it('never removes or re-runs live work, nor pauses, empties or obliterates a queue', async () => {
    const { delayed } = await failedAndDelayed();
    const url = await start(true);
    const headers = { authorization: basic(user, password) };
    for (const path of [
      `/api/queues/${queue.name}/${delayed}/clean`,
      `/api/queues/${queue.name}/${delayed}/retry`,
      `/api/queues/${queue.name}/clean/delayed`,
      `/api/queues/${queue.name}/clean/wait`,
      `/api/queues/${queue.name}/retry/completed`,
      `/api/queues/${queue.name}/pause`,
      `/api/queues/${queue.name}/empty`,
      `/api/queues/${queue.name}/obliterate`,
      `/api/queues/${queue.name}/${delayed}/promote`,
    ]) {
      const res = await fetch(`${url}${path}`, { method: 'PUT', headers });
      expect(res.status, path).toBe(403);
    }
    expect(await queue.getJobState(delayed)).toBe('delayed');
    expect(await queue.isPaused()).toBe(false);
    expect(audit.events).toEqual([]);
  });

  it('refuses a write it cannot audit, and one sent from another site', async () => {
    const { failed } = await failedAndDelayed();
    const url = await start(true);
    const headers = { authorization: basic(user, password) };
    const forged = await fetch(`${url}/api/queues/${queue.name}/${failed}/retry`, { method: 'PUT', headers: { ...headers, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    audit.failWith = new AuditWriteError('dashboard.retry', new Error('Redis is down'));
    const unaudited = await fetch(`${url}/api/queues/${queue.name}/${failed}/retry`, { method: 'PUT', headers });
    expect(unaudited.status).toBe(503);
    expect(await queue.getJobState(failed)).toBe('failed');
  });
});
