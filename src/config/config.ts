import type { AzureCloudName } from './clouds.ts';
import type { AccessConfig } from '../core/access/access-config.ts';
import type { EnvironmentConfig, FileConfig } from './file.ts';

/** Where the Azure SDKs, identity and portal links point: public, sovereign or an emulator. */
export interface AzureEndpoints {
  cloud: AzureCloudName;
  authorityHost: string;
  /** False for hosts MSAL does not know (private clouds, emulators): instance discovery would go to the public cloud. */
  instanceDiscovery: boolean;
  resourceManager: string;
  graph: string;
  portal: string;
  /** Entra audience of ACR's data plane (tag → digest), per cloud. */
  containerRegistryAudience: string;
}

export interface AzureCredentialConfig {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
}

/** Where and for whom the queue dashboard listens; only ever built with both credentials set. */
export interface AdminConfig {
  port: number;
  /** 127.0.0.1 unless `CHATOPS_ADMIN_HOST` says otherwise. */
  host: string;
  user: string;
  password: string;
  /** Retry and clean allowed (`CHATOPS_ADMIN_WRITE=true`); otherwise read-only. */
  write: boolean;
}

/** Everything the process needs, validated once at start-up and read-only afterwards. */
export interface Config {
  role: 'bot' | 'worker' | 'all';
  port: number;
  logLevel: string;
  redis: {
    /** `redis://` or `rediss://` (TLS), with user name and password when the server wants them. */
    url: string;
    /** Every key of this install starts with `<prefix>:`. */
    prefix: string;
    /** Sign in with a Microsoft Entra token of the bot's Azure identity (Azure Cache for Redis, Azure Managed Redis). */
    entraAuth: boolean;
  };
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** While Slack refuses the bot token, how often the outbox checks it again. */
    haltProbeMs: number;
  };
  azure: { endpoints: AzureEndpoints; credential: AzureCredentialConfig };
  worker: {
    pollIntervalMs: number;
    concurrency: number;
    lockDurationMs: number;
    shutdownGraceMs: number;
    /** Time between two looks at one registry's watched tasks. */
    taskWatchMs: number;
  };
  /** The queue dashboard (Bull Board) on its own port, when `CHATOPS_ADMIN_PORT` is set. */
  admin?: AdminConfig;
  /** How long user-group membership is cached for role checks. */
  groupCacheMs: number;
  defaultEnvironment: string;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  admins: readonly string[];
  access: AccessConfig;
  /** The parsed YAML, for features that read their own sections. */
  file: FileConfig;
}
