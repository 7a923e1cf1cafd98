import { z } from 'zod';
import { accessSchema, validateAccessReferences } from '../core/access/access-config.ts';
import type { Environment } from '../core/environments.ts';
import { consumerMismatches, credentialsSchema } from './credentials-settings.ts';
import { approvalSchema, deployPolicySchema, registryCredentialsSchema } from './deploy-settings.ts';
import { gitAccessTokensSchema } from './git-tokens-settings.ts';
import { taskWatchesSchema } from './task-settings.ts';

const acrName = z.string().regex(/^[a-zA-Z0-9]{5,50}$/, { message: 'must be an ACR name: 5-50 letters and digits' });

const uuid = z.string().regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, { message: 'must be a subscription id (a UUID)' });

/** One Azure environment (dev, prod, …) commands can target: validated into core's `Environment`. */
export const environmentSchema = z
  .strictObject({
    subscriptionId: uuid,
    resourceGroup: z.string().min(1).max(90),
    location: z.string().regex(/^[a-z0-9]+$/, { message: 'must be an Azure region name like westeurope' }),
    registry: acrName.optional(),
    /** Other registries of the same subscription and resource group that `/acr build -r` may build into. */
    buildRegistries: z.array(acrName).default([]),
    channels: z.array(z.string().regex(/^[CGD][A-Z0-9]+$/, { message: 'must be a Slack channel id like C0123ABC' })).default([]),
    /** Where `@kv:<name>` secure values and pull secrets are read from. */
    keyVaultUrl: z.url({ protocol: /^https$/, message: 'must be the vault URL, like https://contoso-prod-kv.vault.azure.net' }).optional(),
    registryCredentials: registryCredentialsSchema.optional(),
    /** Present: deploys and deletes here wait for approval. */
    approval: approvalSchema.optional(),
    policy: deployPolicySchema.default({ publicIp: true }),
    /** Key Vault secrets builds and tasks may hand to ACR as git tokens, and the hosts each may go to. */
    gitAccessTokens: gitAccessTokensSchema.optional(),
    /** ACR tasks of the environment's registry whose runs are announced (and, with `deploy`, deployed). */
    tasks: taskWatchesSchema.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.tasks && Object.keys(env.tasks).length > 0 && !env.registry) {
      ctx.addIssue({ code: 'custom', path: ['registry'], message: "is needed because tasks are runs of ACR tasks in the environment's registry" });
    }
    if (env.gitAccessTokens && Object.keys(env.gitAccessTokens).length > 0 && !env.keyVaultUrl) {
      ctx.addIssue({ code: 'custom', path: ['keyVaultUrl'], message: 'is needed because gitAccessTokens are read from Key Vault' });
    }
    if (env.registryCredentials && 'passwordSecret' in env.registryCredentials && !env.keyVaultUrl) {
      ctx.addIssue({ code: 'custom', path: ['keyVaultUrl'], message: 'is needed because registryCredentials.passwordSecret is read from Key Vault' });
    }
  }) satisfies z.ZodType<Environment>;

/**
 * The YAML file (`CHATOPS_CONFIG`). An unknown key anywhere in it stops the process: the
 * loader walks this schema (see `unknown-keys.ts`), so a section added here is strict too.
 */
export const fileSchema = z
  .strictObject({
    defaultEnvironment: z.string().optional(),
    environments: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: 'environment names are lowercase, digits and -' }), environmentSchema)
      .refine((e) => Object.keys(e).length > 0, { message: 'must define at least one environment' }),
    /** Who may do what, per environment (see src/core/access). */
    access: accessSchema,
    /** Expiry alerts and rotation of service-principal secrets (src/core/credentials). */
    credentials: credentialsSchema.optional(),
  })
  .superRefine((file, ctx) => {
    if (file.defaultEnvironment && !(file.defaultEnvironment in file.environments)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultEnvironment'],
        message: `names "${file.defaultEnvironment}", which is not under environments (have: ${Object.keys(file.environments).join(', ')})`,
      });
    }
    for (const { path, message } of consumerMismatches(file.credentials, file.environments)) ctx.addIssue({ code: 'custom', path, message });
    for (const problem of validateAccessReferences(file.access, Object.keys(file.environments))) {
      ctx.addIssue({ code: 'custom', path: [], message: problem });
    }
    const seen = new Map<string, string>();
    for (const [name, env] of Object.entries(file.environments)) {
      for (const channel of env.channels) {
        const other = seen.get(channel);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['environments', name, 'channels'],
            message: `channel ${channel} is already the default channel of "${other}"; a channel can default to one environment only`,
          });
        }
        seen.set(channel, name);
      }
    }
  });

export type FileConfig = z.infer<typeof fileSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
