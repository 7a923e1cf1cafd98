import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EntraRedisAuth } from '../../../src/queue/redis-entra-auth.ts';

function jwt(oid: string, n: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ oid, n })}.sig`;
}

/** Hands out a new token on every call, as a renewal gets. */
function renewingCredential(): TokenCredential {
  let n = 0;
  return {
    getToken: async (): Promise<AccessToken> => ({ token: jwt('00000000-0000-4000-8000-000000000001', ++n), expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

/** The part of an ioredis connection the renewal touches; its AUTH fails as `fail` says. */
function connection(fail: (self: { status: string }) => Error | undefined) {
  const self = {
    status: 'ready',
    options: { connectionName: 'worker' } as { username?: string; password?: string; connectionName: string },
    once: () => self,
    auth: async () => {
      const err = fail(self);
      if (err) throw err;
      return 'OK';
    },
  };
  return self;
}

function warningsOf(run: (auth: EntraRedisAuth) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
  const auth = new EntraRedisAuth({ credential: renewingCredential(), logger });
  return run(auth).then(() => {
    auth.stop();
    return lines.filter((l) => l.includes('AUTH with the renewed token failed'));
  });
}

describe('EntraRedisAuth renewing the token on live connections', () => {
  it('says nothing when a connection dropped while its AUTH was in flight: it reconnects with the new token', async () => {
    const dropped = connection((self) => {
      self.status = 'reconnecting'; // Azure closed it meanwhile (a failover)
      return new Error('Connection is closed.');
    });
    const warnings = await warningsOf(async (auth) => {
      await auth.start();
      auth.track(dropped as unknown as Redis);
      await auth.start(); // a renewal: a fresh token, AUTH on every live connection
    });
    expect(warnings).toEqual([]);
    expect(dropped.options.password).toBe(jwt('00000000-0000-4000-8000-000000000001', 2)); // the reconnect signs in with it
  });

  it('warns when Redis refuses the renewed token on a connection that is still up', async () => {
    const refused = connection(() => new Error('WRONGPASS invalid username-password pair'));
    const warnings = await warningsOf(async (auth) => {
      await auth.start();
      auth.track(refused as unknown as Redis);
      await auth.start();
    });
    expect(warnings).toHaveLength(1);
  });
});
