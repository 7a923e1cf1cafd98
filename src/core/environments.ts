import { ErrorCode, UserFacingError } from './errors.ts';

/**
 * One Azure environment (dev, prod, …) as commands and jobs use it. Declared here so that core
 * needs nothing from `src/config`, whose schema (`environmentSchema`) must produce this shape.
 */
export interface Environment {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  registry?: string | undefined;
  /** Other registries of the same subscription and resource group that `/acr build -r` may build into. */
  buildRegistries: string[];
  channels: string[];
  /** Where `@kv:<name>` secure values and pull secrets are read from. */
  keyVaultUrl?: string | undefined;
  registryCredentials?: RegistryCredentials | undefined;
  /** Present: deploys and deletes here wait for approval. */
  approval?: ApprovalSettings | undefined;
  policy: DeployPolicy;
  /** Key Vault secret name → the git hosts (`host` or `host:port`) that secret may be sent to. */
  gitAccessTokens?: Record<string, string[]> | undefined;
  /** ACR tasks of the environment's registry whose runs are announced (and, with `deploy`, deployed). */
  tasks?: Record<string, TaskWatchSettings> | undefined;
}

/** One watched task: where its runs are announced, and the container group each successful run is deployed to. */
export interface TaskWatchSettings {
  channel: string;
  deploy?: { group: string } | undefined;
}

/** How ACI pulls from the registry: the group's managed identity, or a service principal whose secret is in Key Vault. */
export type RegistryCredentials = { identity: string } | { username: string; passwordSecret: string };

export interface ApprovalSettings {
  /** Slack user ids (U…) and user group ids (S…). */
  approvers: string[];
  required: number;
  /** Milliseconds. */
  expiresAfter: number;
}

export interface DeployPolicy {
  publicIp: boolean;
  /** Login servers images may come from, lowercase; absent means any. */
  allowedRegistries?: string[] | undefined;
}

/** `Environment.gitAccessTokens`, read only. */
export type GitAccessTokens = Readonly<Record<string, readonly string[]>>;

export interface EnvironmentsConfig {
  defaultEnvironment: string;
  environments: Readonly<Record<string, Environment>>;
}

/**
 * Which environment a command targets: the one it names, else the channel's, else the
 * configured default.
 */
export function resolveEnvironment(config: EnvironmentsConfig, requested: string | undefined, channelId: string): { name: string; env: Environment } {
  const names = Object.keys(config.environments);
  if (requested !== undefined) {
    // Own keys only: `--env constructor` must not find Object.prototype's constructor.
    const env = Object.hasOwn(config.environments, requested) ? config.environments[requested] : undefined;
    if (!env) {
      throw new UserFacingError(ErrorCode.Usage, `There is no environment called "${requested}".`, {
        hint: `Use one of: ${names.join(', ')}.`,
      });
    }
    return { name: requested, env };
  }
  for (const name of names) {
    const env = config.environments[name]!;
    if (env.channels.includes(channelId)) return { name, env };
  }
  return { name: config.defaultEnvironment, env: config.environments[config.defaultEnvironment]! };
}
