import http from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { retryIfItMayPass } from '../../../jobs/step-runner.ts';
import { isTransientAzureError } from '../../../src/core/azure-errors.ts';
import type { JobContext } from '../../../src/core/job-context.ts';
import { md } from '../../../src/core/mrkdwn.ts';
import { ResponseUrlReplies } from '../../../src/slack/response-url-replies.ts';

const servers: (Server | http.Server)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen<S extends Server | http.Server>(server: S): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A port nothing listens on (bound, then released), so the connection is refused. */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/`;
}

/** What Node's own fetch throws for each network failure (undici: `TypeError('fetch failed' | 'terminated', { cause })`). */
const failures: [string, () => Promise<unknown>][] = [
  ['a refused connection', async () => fetch(await closedPort())],
  ['a connection reset before the answer', async () => fetch(await listen(createServer((socket) => socket.destroy())))],
  [
    'a body cut off half way',
    async () => {
      const url = await listen(
        http.createServer((_req, res) => {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('partial');
          setTimeout(() => res.socket?.destroy(), 20);
        }),
      );
      return (await fetch(url)).arrayBuffer();
    },
  ],
];

async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

function jobContext(attemptsMade: number): JobContext<unknown> {
  return {
    id: 'j1',
    data: {},
    attemptsMade,
    maxAttempts: 5,
    log: pino({ level: 'silent' }),
    save: async () => {},
    wakeAfter: async () => Promise.reject(new Error('not expected')),
  };
}

describe('network failures reported by fetch', () => {
  it.each(failures)('%s is transient, so the job is retried', async (_name, fail) => {
    const err = await thrownBy(fail);
    expect(err).toBeInstanceOf(TypeError); // what Node's fetch really throws, not a stand-in
    expect(isTransientAzureError(err)).toBe(true);
    await expect(retryIfItMayPass(jobContext(0), err)).rejects.toBe(err);
  });

  it('a private answer whose response_url post is cut off is retried too', async () => {
    const url = await listen(createServer((socket) => socket.destroy()));
    const err = await thrownBy(() => new ResponseUrlReplies().reply(url, md`done`));
    expect(isTransientAzureError(err)).toBe(true);
  });

  it('a programming mistake stays permanent: retrying the same code cannot help', async () => {
    const bug = await thrownBy(async () => (null as unknown as { x: () => void }).x());
    const badUrl = await thrownBy(() => fetch('not a url'));
    for (const err of [bug, badUrl]) {
      expect(err).toBeInstanceOf(TypeError);
      expect(isTransientAzureError(err)).toBe(false);
      await expect(retryIfItMayPass(jobContext(0), err)).resolves.toBeUndefined();
    }
  });
});
