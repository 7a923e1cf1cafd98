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

/** Everything the process needs, validated once at start-up and read-only afterwards. */
export interface Config {
  role: 'bot' | 'worker' | 'all';
  port: number;
  logLevel: string;
  redisUrl: string;
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
  };
  /** How long user-group membership is cached for role checks. */
  groupCacheMs: number;
  defaultEnvironment: string;
  environments: Readonly<Record<string, EnvironmentConfig>>;
  admins: readonly string[];
  access: AccessConfig;
  /** The parsed YAML, for features that read their own sections. */
  file: FileConfig;
}
