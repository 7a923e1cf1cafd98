/**
 * Makes a real redis-server accept Microsoft Entra tokens the way Azure Cache for Redis and
 * Azure Managed Redis do, using Redis ACL users: a token the Azure emulator issued for the
 * Redis audience signs in as its identity's object id, and stops working when it expires.
 */
import type { Redis } from 'ioredis';
import type { EntraIdentity } from './azure/identity.ts';

// learn.microsoft.com/azure/azure-cache-for-redis/cache-azure-active-directory-for-authentication,
// "Microsoft Entra client workflow": scope https://redis.azure.com/.default (or acca5fbb-b7e4-4009-81f1-37e38fd66d78/.default);
// User = the object id of the managed identity or service principal, Password = the Entra token.
const REDIS_AUDIENCES = ['https://redis.azure.com', 'acca5fbb-b7e4-4009-81f1-37e38fd66d78'];

export interface RedisEntraGate {
  /** Object ids that have signed in with a token at least once. */
  users(): string[];
  close(): void;
}

/**
 * Keeps the server's ACL in step with the emulator's tokens every `intervalMs`: valid tokens are
 * the only passwords of their identity's user, so a (re)connection with an expired token is
 * refused (WRONGPASS), as Azure refuses it. Connections already signed in stay open here; Azure
 * closes them when their token expires (same page: "client applications must periodically
 * refresh the Microsoft Entra token before expiry … and send an AUTH command … to avoid
 * disrupting connections"), which tests check by counting AUTH calls on live connections.
 */
export function startRedisEntraGate(admin: Redis, identity: EntraIdentity, intervalMs = 100): RedisEntraGate {
  const known = new Map<string, Set<string>>();
  const sync = async () => {
    const now = Date.now();
    const byUser = new Map<string, string[]>();
    for (const token of identity.issued()) {
      if (!REDIS_AUDIENCES.includes(token.audience.replace(/\/+$/, '')) || token.expiresAt.getTime() <= now) continue;
      const oid = JSON.parse(Buffer.from(token.accessToken.split('.')[1]!, 'base64url').toString('utf8')).oid as string;
      byUser.set(oid, [...(byUser.get(oid) ?? []), token.accessToken]);
    }
    for (const oid of new Set([...known.keys(), ...byUser.keys()])) {
      const tokens = byUser.get(oid) ?? [];
      const previous = known.get(oid);
      if (previous && previous.size === tokens.length && tokens.every((t) => previous.has(t))) continue;
      // resetpass, then one password per valid token; no token left → the user is off.
      await admin.call('ACL', 'SETUSER', oid, 'reset', tokens.length ? 'on' : 'off', '~*', '&*', '+@all', ...tokens.map((t) => `>${t}`));
      known.set(oid, new Set(tokens));
    }
  };
  let running = Promise.resolve();
  const schedule = () => {
    running = running.then(sync).catch(() => {});
  };
  // Azure accepts a token the moment Entra issued it: sync on every issue (the ACL change is sent
  // before the token's HTTP answer leaves the emulator), and on a timer for expiries.
  const issue = identity.issue.bind(identity);
  identity.issue = (...args: Parameters<EntraIdentity['issue']>) => {
    const token = issue(...args);
    schedule();
    return token;
  };
  const timer = setInterval(schedule, intervalMs);
  schedule();
  return {
    users: () => [...known.keys()],
    close: () => {
      clearInterval(timer);
      identity.issue = issue;
    },
  };
}
