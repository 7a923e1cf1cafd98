import type { AccessToken, TokenCredential } from '@azure/identity';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** The audience Azure Cache for Redis and Azure Managed Redis accept tokens for. */
export const REDIS_ENTRA_SCOPE = 'https://redis.azure.com/.default';

export interface EntraRedisAuthOptions {
  credential: TokenCredential;
  logger: Logger;
  /** Redis user name: the identity's object id. Taken from the token's `oid` claim when absent. */
  username?: string;
  scope?: string;
  now?: () => number;
}

/**
 * Signs Redis connections in with a Microsoft Entra token of the bot's own identity (user
 * name: the identity's object id; password: the token), as Azure Cache for Redis and Azure
 * Managed Redis expect. Tokens last about an hour and Azure drops a connection whose token
 * expired, so before that every live connection sends AUTH with a fresh token (Microsoft asks
 * for at least 3 minutes ahead), and every later (re)connection uses the fresh one.
 */
export class EntraRedisAuth {
  readonly #options: EntraRedisAuthOptions;
  readonly #connections = new Set<Redis>();
  #token: AccessToken | undefined;
  #username: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: EntraRedisAuthOptions) {
    this.#options = options;
    this.#username = options.username;
  }

  /** Gets the first token; connections can be made once this resolves. */
  async start(): Promise<void> {
    await this.#renew();
  }

  /** A connection signed in with the current token, whose duplicates (BullMQ's blocking connections) are too. */
  connect(url: string, options: RedisOptions): Redis {
    return new EntraSignedRedis(this, { ...options, ...this.#credentials() }, url);
  }

  /** @internal Keeps a connection's password current until it ends. */
  track(redis: Redis): void {
    this.#connections.add(redis);
    redis.once('end', () => this.#connections.delete(redis));
  }

  /** @internal */
  credentials(): { username: string; password: string } {
    return this.#credentials();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #credentials(): { username: string; password: string } {
    if (!this.#token || !this.#username) throw new Error('EntraRedisAuth.start() has not finished');
    return { username: this.#username, password: this.#token.token };
  }

  async #renew(): Promise<void> {
    const now = this.#options.now ?? Date.now;
    let retryInMs: number | undefined;
    try {
      const token = await this.#options.credential.getToken(this.#options.scope ?? REDIS_ENTRA_SCOPE);
      if (!token) throw new Error('the identity returned no token');
      this.#username ??= objectIdOf(token.token);
      const fresh = token.token !== this.#token?.token;
      this.#token = token;
      if (fresh) await this.#reauthenticate();
      // Well ahead of expiry: a quarter of the token's life, and never less than 3 minutes of a normal token.
      const left = token.expiresOnTimestamp - now();
      retryInMs = fresh ? Math.max(1000, left - Math.max(left / 4, Math.min(5 * 60_000, left / 2))) : Math.min(30_000, Math.max(1000, left / 4));
    } catch (err) {
      if (!this.#token) throw err;
      this.#options.logger.warn({ err: { message: (err as Error).message } }, 'Redis: could not renew the Microsoft Entra token; trying again');
      retryInMs = Math.max(1000, Math.min(30_000, (this.#token.expiresOnTimestamp - now()) / 4));
    }
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#renew().catch(() => {}), retryInMs);
    this.#timer.unref();
  }

  async #reauthenticate(): Promise<void> {
    const { username, password } = this.#credentials();
    await Promise.all(
      [...this.#connections].map(async (redis) => {
        // The next connect or reconnect reads these options.
        redis.options.username = username;
        redis.options.password = password;
        if (redis.status !== 'ready') return;
        try {
          await redis.auth(username, password);
        } catch (err) {
          // A connection dropped while its AUTH was in flight (a failover) reconnects with the options set above: nothing failed.
          if (redis.status !== 'ready') return;
          this.#options.logger.warn(
            { err: { message: (err as Error).message }, connection: redis.options.connectionName },
            'Redis: AUTH with the renewed token failed',
          );
        }
      }),
    );
  }
}

/** ioredis 6's options with its default (RESP2-style) reply mapping, which BullMQ uses. */
type LegacyOptions = RedisOptions & { replyMapping?: 'legacy' };

class EntraSignedRedis extends Redis {
  readonly #auth: EntraRedisAuth;

  constructor(auth: EntraRedisAuth, options: RedisOptions, url?: string) {
    if (url === undefined) super(options as LegacyOptions);
    else super(url, options as LegacyOptions);
    this.#auth = auth;
    auth.track(this);
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new EntraSignedRedis(this.#auth, { ...this.options, ...override, ...this.#auth.credentials() });
  }
}

/** The `oid` claim of an Entra access token: the identity's object id, Azure Redis's user name for it. */
function objectIdOf(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { oid?: unknown };
    if (typeof payload.oid === 'string' && payload.oid) return payload.oid;
  } catch {
    // fall through
  }
  throw new Error("the Microsoft Entra token has no oid claim; put the identity's object id as the user name in REDIS_URL (rediss://<object-id>@host:6380)");
}
