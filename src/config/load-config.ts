import { readFileSync } from 'node:fs';
import { ErrorCode, type UserVisibleError } from '../core/errors.ts';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { azureClouds, knownAuthorityHosts } from './clouds.ts';
import type { Config } from './config.ts';
import { crossCheckEnv, envSchema, unknownOwnVariables } from './env.ts';
import { fileSchema } from './file.ts';
import { withOwnKeysOnly } from './own-keys-only.ts';
import { describeUnknownKey, findUnknownKeys } from './unknown-keys.ts';

/** Start-up configuration problems, all of them at once, each with a hint on how to fix it. */
export class ConfigError extends Error implements UserVisibleError {
  override name = 'ConfigError';
  readonly code = ErrorCode.ConfigInvalid;
  readonly hint = 'Fix each problem listed in chatops.yaml or the environment, then start the bot again.';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function describeIssues(where: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return (
    issues
      // Unknown keys are reported by findUnknownKeys, one line per key with a suggestion.
      .filter((i) => i.code !== 'unrecognized_keys')
      .map((i) => `${where}${i.path.length ? i.path.join('.') : ''}: ${i.message}`)
  );
}

/**
 * Reads the env contract and the YAML file named by `CHATOPS_CONFIG`, validates both and
 * returns the merged configuration. Pure apart from reading that one file.
 * @throws ConfigError listing every problem found.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  const problems: string[] = [];
  const envResult = envSchema.safeParse(env);
  if (!envResult.success) problems.push(...describeIssues('', envResult.error.issues));
  problems.push(...unknownOwnVariables(env), ...crossCheckEnv(env));

  const path = env.CHATOPS_CONFIG ?? './chatops.yaml';
  let raw: unknown;
  try {
    raw = parseYaml(readFile(path));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    problems.push(`CHATOPS_CONFIG (${path}): ${reason}. Copy chatops.example.yaml and edit it, or point CHATOPS_CONFIG at your file.`);
  }
  const fileResult = raw === undefined ? undefined : fileSchema.safeParse(raw);
  // Unknown keys first: a misspelt key often explains a "required" problem below it.
  if (raw !== undefined) problems.push(...findUnknownKeys(fileSchema, raw).map((u) => `${path}: ${describeUnknownKey(u)}`));
  if (fileResult && !fileResult.success) problems.push(...describeIssues(`${path}: `, fileResult.error.issues));

  if (problems.length > 0 || !envResult.success || !fileResult?.success) throw new ConfigError(problems);
  const e = envResult.data;
  const file = withOwnKeysOnly(fileResult.data);
  const cloud = azureClouds[e.AZURE_CLOUD];
  const authorityHost = e.AZURE_AUTHORITY_HOST ?? cloud.authorityHost;
  const defaultEnvironment = file.defaultEnvironment ?? Object.keys(file.environments)[0]!;

  return Object.freeze({
    role: e.CHATOPS_ROLE,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    redis: { url: e.REDIS_URL, prefix: e.CHATOPS_REDIS_PREFIX, entraAuth: e.REDIS_ENTRA_AUTH === 'true' },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      ...(e.SLACK_SIGNING_SECRET && { signingSecret: e.SLACK_SIGNING_SECRET }),
      ...(e.SLACK_APP_TOKEN && { appToken: e.SLACK_APP_TOKEN }),
      ...(e.SLACK_API_URL && { apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/` }),
      haltProbeMs: e.CHATOPS_SLACK_PROBE_MS,
    },
    azure: {
      endpoints: {
        cloud: e.AZURE_CLOUD,
        authorityHost,
        instanceDiscovery: knownAuthorityHosts.includes(authorityHost),
        resourceManager: e.AZURE_RESOURCE_MANAGER_ENDPOINT ?? cloud.resourceManager,
        graph: e.AZURE_GRAPH_ENDPOINT ?? cloud.graph,
        portal: e.AZURE_PORTAL_URL ?? cloud.portal,
        containerRegistryAudience: cloud.containerRegistryAudience,
      },
      credential: {
        ...(e.AZURE_TENANT_ID && { tenantId: e.AZURE_TENANT_ID }),
        ...(e.AZURE_CLIENT_ID && { clientId: e.AZURE_CLIENT_ID }),
        ...(e.AZURE_CLIENT_SECRET && { clientSecret: e.AZURE_CLIENT_SECRET }),
      },
    },
    worker: {
      pollIntervalMs: e.CHATOPS_POLL_INTERVAL_MS,
      concurrency: e.CHATOPS_WORKER_CONCURRENCY,
      lockDurationMs: e.CHATOPS_LOCK_DURATION_MS,
      shutdownGraceMs: e.CHATOPS_SHUTDOWN_GRACE_MS,
      taskWatchMs: e.CHATOPS_TASK_WATCH_MS,
    },
    ...(e.CHATOPS_ADMIN_PORT !== undefined && {
      admin: {
        port: e.CHATOPS_ADMIN_PORT,
        host: e.CHATOPS_ADMIN_HOST,
        user: e.CHATOPS_ADMIN_USER!,
        password: e.CHATOPS_ADMIN_PASSWORD!,
        write: e.CHATOPS_ADMIN_WRITE === 'true',
      },
    }),
    groupCacheMs: e.CHATOPS_GROUP_CACHE_MS,
    defaultEnvironment,
    environments: file.environments,
    admins: file.access.admins,
    access: file.access,
    file,
  });
}
