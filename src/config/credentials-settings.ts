import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseDuration } from './deploy-settings.ts';

// The `credentials:` section: expiry alerts and rotation of service-principal secrets.

const duration = (min: number, max: number, message: string) =>
  z
    .string()
    .refine(
      (t) => {
        const ms = parseDuration(t);
        return ms !== undefined && ms >= min && ms <= max;
      },
      { message },
    )
    .transform((t) => parseDuration(t)!);

const guid = z.string().regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, { message: 'must be an application (client) id, a GUID' });

/** Whether BullMQ's own cron parser (the same package and version) reads the pattern. */
function isCron(pattern: string): boolean {
  try {
    CronExpressionParser.parse(pattern, { tz: 'UTC' });
    return /^(\S+\s+){4,5}\S+$/.test(pattern.trim());
  } catch {
    return false;
  }
}

export const credentialAppSchema = z
  .object({
    appId: guid.transform((s) => s.toLowerCase()),
    /** Key Vault secret the app's current secret is kept in. */
    secretName: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, { message: 'must be a Key Vault secret name (letters, digits, -)' }),
    autoRotate: z.boolean().default(false),
    rotateBeforeDays: z.number().int().min(1).max(365).default(14),
    /** Container groups that pull with this principal: redeployed with the new secret before the old one goes. */
    consumers: z.array(z.object({ environment: z.string(), containerGroup: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/) }).strict()).default([]),
  })
  .strict();

export const credentialsSchema = z
  .object({
    alertChannel: z.string().regex(/^[CG][A-Z0-9]+$/, { message: 'must be a Slack channel id like C0ALERTS' }),
    schedule: z.string().refine(isCron, { message: 'must be a cron expression (minute hour day month weekday, UTC), like "0 9 * * *"' }).default('0 9 * * *'),
    thresholdsDays: z
      .array(z.number().int().min(0).max(365))
      .min(1)
      .default([30, 14, 7, 3, 1])
      .transform((t) => [...new Set(t)].sort((a, b) => b - a)),
    gracePeriod: duration(1000, 30 * 86_400_000, 'must be a duration up to 30d, like 24h').default(86_400_000),
    /** How long a new secret may take to work (Entra ID propagates it) before the rotation gives up. */
    verifyTimeout: duration(1000, 86_400_000, 'must be a duration up to 1d, like 10m').default(600_000),
    /** Tenant the apps live in, for verifying new secrets; default AZURE_TENANT_ID. */
    tenantId: guid.optional(),
    keyVaultUrl: z.url({ protocol: /^https$/, message: 'must be the vault URL, like https://contoso-ops-kv.vault.azure.net' }),
    /** Scope; absent means every app registration the bot's identity can read. */
    applications: z.array(credentialAppSchema).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const [i, app] of (c.applications ?? []).entries()) {
      if (seen.has(app.appId)) ctx.addIssue({ code: 'custom', path: ['applications', i, 'appId'], message: `${app.appId} is listed twice` });
      seen.add(app.appId);
    }
  });

export type CredentialsConfig = z.infer<typeof credentialsSchema>;
export type CredentialAppConfig = z.infer<typeof credentialAppSchema>;

/** `https://Kv.vault.azure.net/` and `https://kv.vault.azure.net` are one vault. */
function sameVault(a: string, b: string): boolean {
  const norm = (u: string) => {
    const url = new URL(u);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  };
  return norm(a) === norm(b);
}

/** What a consumer check needs of an environment. */
interface ConsumerEnvironment {
  keyVaultUrl?: string | undefined;
  registryCredentials?: { identity: string } | { username: string; passwordSecret: string } | undefined;
}

/**
 * Consumers that would not pick up the secret a rotation writes: a consumer is redeployed from
 * its environment's Key Vault (`keyVaultUrl`, and `registryCredentials.passwordSecret` for the
 * image pull), so a different vault or secret there means the redeploy "succeeds" with the old
 * secret, which the rotation then removes. Each problem names both sides.
 */
export function consumerMismatches(
  credentials: CredentialsConfig | undefined,
  environments: Readonly<Record<string, ConsumerEnvironment>>,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const [i, app] of (credentials?.applications ?? []).entries()) {
    for (const [j, consumer] of app.consumers.entries()) {
      const path = ['credentials', 'applications', i, 'consumers', j];
      if (!Object.hasOwn(environments, consumer.environment)) {
        out.push({ path: [...path, 'environment'], message: `names "${consumer.environment}", which is not under environments` });
        continue;
      }
      const env = environments[consumer.environment]!;
      const who = `container group ${consumer.containerGroup} (environments.${consumer.environment})`;
      const writes = `${credentials!.keyVaultUrl} (credentials.keyVaultUrl)`;
      if (!env.keyVaultUrl) {
        out.push({
          path,
          message: `${who} cannot read the rotated secret: environments.${consumer.environment} has no keyVaultUrl, and rotation writes to ${writes}. Set environments.${consumer.environment}.keyVaultUrl to that vault.`,
        });
      } else if (!sameVault(env.keyVaultUrl, credentials!.keyVaultUrl)) {
        out.push({
          path,
          message: `${who} is redeployed from ${env.keyVaultUrl} (environments.${consumer.environment}.keyVaultUrl), but rotation writes to ${writes}; it would keep the old secret. Use one vault for both.`,
        });
      }
      const pull = env.registryCredentials && 'passwordSecret' in env.registryCredentials ? env.registryCredentials.passwordSecret : undefined;
      if (pull !== undefined && pull.toLowerCase() !== app.secretName.toLowerCase()) {
        out.push({
          path,
          message: `${who} pulls with secret ${pull} (environments.${consumer.environment}.registryCredentials.passwordSecret), but rotation of ${app.appId} writes secret ${app.secretName} (credentials.applications.${i}.secretName); it would keep the old secret. Use one secret name for both.`,
        });
      }
    }
  }
  return out;
}
