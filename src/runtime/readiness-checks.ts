import type { TokenCredential } from '@azure/identity';
import { type FetchFunction, WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { cachedCheck, type ReadinessCheck } from './readiness.ts';
import { ping } from './resources.ts';

/** The configuration was read and validated (a process with a bad one exits with status 2 before serving anything). */
export function configCheck(config: Config): ReadinessCheck {
  const environments = Object.keys(config.environments);
  return { name: 'config', check: async () => ({ ok: environments.length > 0, detail: `environments: ${environments.join(', ')}` }) };
}

/** Redis answers PING (not cached: it is one round trip, and the first thing to know in an outage). */
export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => ((await ping(redis)) ? { ok: true } : { ok: false, detail: `no answer to PING (connection ${redis.status})` }),
  };
}

/** The bot token works: Slack's `auth.test` (one attempt, 1.5 s at most), remembered a minute (10 s when it failed). */
export function slackTokenCheck(slack: Config['slack'], fetch: FetchFunction): ReadinessCheck {
  const client = new WebClient(slack.botToken, { ...(slack.apiUrl && { slackApiUrl: slack.apiUrl }), fetch, retryConfig: { retries: 0 }, timeout: 1500 });
  return cachedCheck(
    {
      name: 'slack',
      async check() {
        try {
          const res = await client.auth.test();
          return { ok: true, detail: `team ${res.team_id}` };
        } catch (err) {
          const code = (err as { data?: { error?: string } }).data?.error;
          return { ok: false, detail: code ? `Slack says ${code} to auth.test` : `auth.test failed: ${(err as Error).message}` };
        }
      },
    },
    { okForMs: 60_000, failedForMs: 10_000 },
  );
}

/**
 * An Azure token can be had for Resource Manager with the bot's identity. The identity library
 * caches tokens itself; the answer is remembered a minute (10 s when it failed) anyway.
 */
export function azureTokenCheck(credential: TokenCredential, resourceManager: string): ReadinessCheck {
  return cachedCheck(
    {
      name: 'azure',
      async check() {
        try {
          await credential.getToken(`${resourceManager.replace(/\/+$/, '')}/.default`);
          return { ok: true };
        } catch (err) {
          // The identity library's messages name the credential that failed and why, never the secret.
          return { ok: false, detail: `no Azure token: ${(err as Error).message.split('\n')[0]}` };
        }
      },
    },
    { okForMs: 60_000, failedForMs: 10_000 },
  );
}
