import { z } from 'zod';
import { azureClouds, type AzureCloudName } from './clouds.ts';

const httpsUrl = z
  .url({ message: 'must be an absolute URL' })
  .refine((u) => u.startsWith('https://'), { message: 'must use https://' })
  .transform((u) => u.replace(/\/+$/, ''));

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int().positive().default(fallback);

/**
 * The environment contract. Names are a public interface (deploy manifests and tests depend on
 * them), so they are listed here once and nowhere else reads `process.env`.
 */
export const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z.string({ message: 'is required (the xoxb- bot token from your Slack app)' }).min(1),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z.string().min(1).optional(),
    SLACK_API_URL: z.url().optional(),
    PORT: z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(3000),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    CHATOPS_CONFIG: z.string().default('./chatops.yaml'),
    CHATOPS_ROLE: z.enum(['bot', 'worker', 'all']).default('all'),
    CHATOPS_POLL_INTERVAL_MS: positiveInt(5000),
    CHATOPS_WORKER_CONCURRENCY: positiveInt(50),
    CHATOPS_LOCK_DURATION_MS: positiveInt(30_000),
    CHATOPS_SHUTDOWN_GRACE_MS: positiveInt(25_000),
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
  });

/**
 * Rules across variables. Kept outside the schema so they are reported even when other
 * variables are invalid: start-up lists every problem at once.
 */
export function crossCheckEnv(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: is required unless SLACK_APP_TOKEN is set for Socket Mode (find it under Basic Information → App Credentials)');
  }
  if (env.AZURE_CLIENT_SECRET && !(env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID)) {
    problems.push('AZURE_CLIENT_SECRET: needs AZURE_TENANT_ID and AZURE_CLIENT_ID too (or unset all three to use managed identity)');
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;
