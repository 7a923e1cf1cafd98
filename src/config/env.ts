import { z } from 'zod';
import { closestMatch } from '../core/commands/suggest.ts';
import { azureClouds, type AzureCloudName } from './clouds.ts';

const httpsUrl = z
  .url({ message: 'must be an absolute URL' })
  .refine((u) => u.startsWith('https://'), { message: 'must use https://' })
  .transform((u) => u.replace(/\/+$/, ''));

const positiveInt = (fallback: number) => z.coerce.number({ message: 'must be a whole number' }).int().positive().default(fallback);

/**
 * The environment contract. Names are a public interface (deploy manifests and tests depend on
 * them), so they are listed here once and nowhere else reads `process.env`.
 */
export const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string({ message: 'is required (the xoxb- bot token from your Slack app)' }).min(1),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: z.url().optional(),
  PORT: z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(3000),
  REDIS_URL: z
    .url({ message: 'must be a URL: redis://[user:password@]host:port[/db], or rediss:// for TLS' })
    .refine((u) => /^rediss?:\/\//.test(u), { message: 'must start with redis:// or rediss:// (TLS)' })
    .default('redis://127.0.0.1:6379'),
  /** Key prefix of this install in Redis; braces (`{chatops}`) keep every key in one Redis Cluster hash slot. */
  CHATOPS_REDIS_PREFIX: z
    .string()
    .regex(/^(\{[A-Za-z0-9_-]{1,64}\}|[A-Za-z0-9_-]{1,64})$/, {
      message: 'must be letters, digits, - or _ (up to 64), optionally in braces for Redis Cluster: {chatops}',
    })
    .default('chatops'),
  /** Azure Cache for Redis / Azure Managed Redis with Microsoft Entra ID: the bot's Azure identity signs in to Redis. */
  REDIS_ENTRA_AUTH: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  CHATOPS_CONFIG: z.string().default('./chatops.yaml'),
  CHATOPS_ROLE: z.enum(['bot', 'worker', 'all']).default('all'),
  CHATOPS_POLL_INTERVAL_MS: positiveInt(5000),
  CHATOPS_WORKER_CONCURRENCY: positiveInt(50),
  CHATOPS_LOCK_DURATION_MS: positiveInt(30_000),
  CHATOPS_SHUTDOWN_GRACE_MS: positiveInt(25_000),
  /**
   * Time between two looks at a registry's watched ACR tasks (one `runs.list` call each, however
   * many tasks): 30 s keeps a registry at two ARM reads a minute.
   */
  CHATOPS_TASK_WATCH_MS: positiveInt(30_000),
  /** How long Slack user-group members are cached before role checks ask Slack again. */
  CHATOPS_GROUP_CACHE_MS: positiveInt(60_000),
  /** While Slack refuses the bot token, how often the outbox asks whether it works again. */
  CHATOPS_SLACK_PROBE_MS: positiveInt(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AZURE_CLOUD: z.enum(Object.keys(azureClouds) as [AzureCloudName, ...AzureCloudName[]]).default('AzurePublicCloud'),
  AZURE_TENANT_ID: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  AZURE_CLIENT_SECRET: z.string().min(1).optional(),
  AZURE_AUTHORITY_HOST: httpsUrl.optional(),
  AZURE_RESOURCE_MANAGER_ENDPOINT: httpsUrl.optional(),
  AZURE_GRAPH_ENDPOINT: httpsUrl.optional(),
  AZURE_PORTAL_URL: httpsUrl.optional(),
  /** The queue dashboard (Bull Board), served by the worker role; off unless set. */
  // An empty value (a blank line in a .env file) means off, like an unset one.
  CHATOPS_ADMIN_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).optional(),
  ),
  CHATOPS_ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  CHATOPS_ADMIN_USER: z.string().min(1).optional(),
  CHATOPS_ADMIN_PASSWORD: z.string().min(1).optional(),
  CHATOPS_ADMIN_WRITE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
});

/** The prefix this product owns: nothing else sets `CHATOPS_*`, so an unknown one is a typo. */
const OWN_PREFIX = 'CHATOPS_';

/**
 * Set by `scripts/make-test-ca.ts` (tests, playground, bench) for processes that trust the
 * emulator CA; the product itself ignores it.
 */
const TOOLING_VARIABLES: readonly string[] = ['CHATOPS_EMULATOR_TRUST'];

/**
 * `CHATOPS_*` variables the contract does not define. Refused rather than warned about: a
 * misspelt `CHATOPS_CONFIG` would otherwise load `./chatops.yaml` (perhaps another
 * environment's file) and a misspelt tuning variable silently runs with its default, and a
 * warning scrolls past in a deploy log where a failed start does not. `AZURE_*` and
 * `SLACK_*` are shared with the SDKs and other tools, so they are not checked.
 */
export function unknownOwnVariables(env: Record<string, string | undefined>): string[] {
  const known = Object.keys(envSchema.shape).filter((name) => name.startsWith(OWN_PREFIX));
  return Object.keys(env)
    .filter((name) => name.startsWith(OWN_PREFIX) && !known.includes(name) && !TOOLING_VARIABLES.includes(name))
    .map((name) => {
      // Compared without the prefix, which every candidate shares and would make anything look close.
      const guess = closestMatch(
        name.slice(OWN_PREFIX.length),
        known.map((k) => k.slice(OWN_PREFIX.length)),
      );
      return guess === undefined
        ? `${name}: unknown variable; the ${OWN_PREFIX} variables are ${known.join(', ')}`
        : `${name}: unknown variable; did you mean ${OWN_PREFIX}${guess}?`;
    });
}

/** Shortest dashboard password accepted: it guards retrying and cleaning jobs, over HTTP Basic. */
export const minAdminPasswordLength = 12;

/**
 * Rules across variables. Kept outside the schema so they are reported even when other
 * variables are invalid: start-up lists every problem at once.
 */
export function crossCheckEnv(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: is required unless SLACK_APP_TOKEN is set for Socket Mode (find it under Basic Information → App Credentials)');
  }
  if (env.REDIS_ENTRA_AUTH === 'true' && env.REDIS_URL && /^redis:\/\//.test(env.REDIS_URL)) {
    problems.push(
      'REDIS_URL: Microsoft Entra authentication (REDIS_ENTRA_AUTH=true) needs TLS: use rediss://<name>.redis.cache.windows.net:6380 (or :10000 for Azure Managed Redis)',
    );
  }
  if (env.REDIS_ENTRA_AUTH === 'true' && env.REDIS_URL && /^rediss?:\/\/[^@/]*:[^@/]*@/.test(env.REDIS_URL)) {
    problems.push(
      "REDIS_URL: carries a password, but REDIS_ENTRA_AUTH=true signs in with a Microsoft Entra token; remove the password (a user name, the identity's object id, may stay)",
    );
  }
  if (env.AZURE_CLIENT_SECRET && !(env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID)) {
    problems.push('AZURE_CLIENT_SECRET: needs AZURE_TENANT_ID and AZURE_CLIENT_ID too (or unset all three to use managed identity)');
  }
  if (env.CHATOPS_ADMIN_PORT !== undefined && env.CHATOPS_ADMIN_PORT !== '') {
    // Fail closed: a dashboard that can show (and with CHATOPS_ADMIN_WRITE retry) every job never opens without credentials.
    if (!env.CHATOPS_ADMIN_USER || !env.CHATOPS_ADMIN_PASSWORD) {
      problems.push(
        'CHATOPS_ADMIN_PORT: the queue dashboard needs CHATOPS_ADMIN_USER and CHATOPS_ADMIN_PASSWORD (HTTP Basic); set both, or unset CHATOPS_ADMIN_PORT to keep it off',
      );
    } else if (env.CHATOPS_ADMIN_PASSWORD.length < minAdminPasswordLength) {
      problems.push(`CHATOPS_ADMIN_PASSWORD: use at least ${minAdminPasswordLength} characters (e.g. \`openssl rand -base64 24\`)`);
    }
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;
