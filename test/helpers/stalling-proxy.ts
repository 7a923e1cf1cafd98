import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface StallingProxy {
  /** `redis://127.0.0.1:<port>/<db>` of the proxy, for the same database as the target. */
  url: string;
  /**
   * From now on, a connection whose commands contain `marker` stops getting answers: its
   * commands still reach Redis and run, the replies are held back. This is a network that
   * stalls right after a write, the case where the sender cannot know what happened.
   */
  stallAfter(marker: string): void;
  /** Delivers every held reply and stops stalling. */
  release(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  held: Buffer[] | undefined;
}

/** A TCP proxy in front of the Redis at `target` (a redis:// URL). */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const { hostname, port, pathname } = new URL(target);
  const pairs = new Set<Pair>();
  let marker: string | undefined;
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const pair: Pair = { client, held: undefined };
    pairs.add(pair);
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      // Keep the end of the previous chunk: a marker may straddle two.
      const text = tail + chunk.toString('latin1');
      if (marker !== undefined && pair.held === undefined && text.includes(marker)) pair.held = [];
      tail = marker === undefined ? '' : text.slice(-marker.length);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (pair.held ? pair.held.push(chunk) : client.write(chunk)));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}${pathname}`,
    stallAfter(m) {
      marker = m;
    },
    release() {
      marker = undefined;
      for (const pair of pairs) {
        const held = pair.held ?? [];
        pair.held = undefined;
        for (const chunk of held) pair.client.write(chunk);
      }
    },
    async close() {
      for (const pair of pairs) pair.client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
