import { z } from 'zod';

// Per-environment settings for deploys (`/aci create`): where secrets live, how ACI pulls
// images, who approves, and what a deploy may not do. Shapes follow the README's contract.

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `30m`, `1h`, `2d` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

const duration = z
  .string()
  .refine(
    (t) => {
      const ms = parseDuration(t);
      return ms !== undefined && ms >= 1000 && ms <= 7 * 86_400_000;
    },
    { message: 'must be a duration up to 7d, like 30m or 1h' },
  )
  .transform((t) => parseDuration(t)!);

const userOrGroup = z.string().regex(/^[UWS][A-Z0-9]{2,20}$/, { message: 'must be a Slack user id (U…) or user group id (S…)' });

const managedIdentityId = z
  .string()
  .regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i, {
    message: 'must be a user-assigned identity resource id (/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>)',
  });

/** How ACI pulls from the registry: the group's managed identity, or a service principal whose secret is in Key Vault. */
export const registryCredentialsSchema = z.union([
  z.object({ identity: managedIdentityId }).strict(),
  z
    .object({
      username: z.string().min(1, { message: 'must be the service principal’s application (client) id' }),
      passwordSecret: z.string().regex(/^[0-9a-zA-Z-]{1,127}$/, { message: 'must be a Key Vault secret name (letters, digits, -)' }),
    })
    .strict(),
]);

export const approvalSchema = z
  .object({
    approvers: z.array(userOrGroup).min(1, { message: 'must list at least one approver (user or user group id)' }),
    required: z.number().int().min(1).max(10).default(1),
    expiresAfter: duration.default(3_600_000),
  })
  .strict();

export const deployPolicySchema = z
  .object({
    /** @defaultValue true */
    publicIp: z.boolean().default(true),
    /** Login servers images may come from; absent means any. */
    allowedRegistries: z
      .array(
        z
          .string()
          .min(1)
          .transform((s) => s.toLowerCase()),
      )
      .optional(),
  })
  .strict();

export type RegistryCredentialsConfig = z.infer<typeof registryCredentialsSchema>;
export type ApprovalConfig = z.infer<typeof approvalSchema>;
export type DeployPolicyConfig = z.infer<typeof deployPolicySchema>;
