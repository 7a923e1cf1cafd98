/**
 * The `access:` section of chatops.yaml: who may do what, where, from which workspace, how often.
 *
 * The section is strict (unknown keys are errors): a typo such as `channel:` for `channels:` or
 * `deployers:` for `deployer:` would otherwise silently drop a restriction or a grant.
 */
import { z } from 'zod';
import { ROLES } from './roles.ts';

const environmentName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/);

/** Environment → `value`, with a readable error for a bad name (zod's own says "Invalid key in record"). */
function byEnvironment<T extends z.ZodType>(value: T) {
  return z.record(environmentName, value, {
    error: (issue) => (issue.code === 'invalid_key' ? 'is not an environment name: environment names are lowercase, digits and -' : undefined),
  });
}

const userId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, { message: 'must be a Slack user id like U0123ABC' });

const grantee = z.string().regex(/^(\*|[UW][A-Z0-9]{2,20}|S[A-Z0-9]{2,20})$/, {
  message: 'must be a Slack user id (U0123ABC), a user group id (S0123ABC) or "*" for everyone in the workspace',
});

const channelId = z.string().regex(/^[CG][A-Z0-9]{2,20}$/, { message: 'must be a Slack channel id like C0123ABC' });

const grants = z.array(grantee).optional();

/** Grants of one environment: role → user ids, user group ids or `"*"`. */
export const roleGrantsSchema = z.strictObject(
  { viewer: grants, builder: grants, deployer: grants, approver: grants, admin: grants },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown role ${issue.keys.map((k) => `"${k}"`).join(', ')}; the roles are ${ROLES.join(', ')}` : undefined,
  },
);

/** The `access:` section. Every key is optional; an empty section lets only nobody in. */
export const accessSchema = z
  .strictObject(
    {
      /**
       * User ids (not groups) that hold every role in every environment. User ids only, so the
       * people who can fix access never depend on a Slack API call succeeding.
       */
      admins: z.array(userId).default([]),
      /** Environment → role → grantees. An environment missing here is open to admins only. */
      roles: byEnvironment(roleGrantsSchema).default({}),
      /** Environment → the only channels its commands are accepted from (everyone, admins included). */
      channels: byEnvironment(z.array(channelId)).default({}),
      /** The workspace and app this bot serves; when set, requests from any other are refused. */
      team: z
        .strictObject({
          id: z
            .string()
            .regex(/^[TE][A-Z0-9]{2,20}$/, { message: 'must be a Slack team id like T0123ABC' })
            .optional(),
          appId: z
            .string()
            .regex(/^A[A-Z0-9]{2,20}$/, { message: 'must be a Slack app id like A0123ABC' })
            .optional(),
        })
        .optional(),
      /** Per-user command rate limit. */
      rateLimit: z
        .strictObject({
          /** Commands one user may run per minute. @defaultValue 20 */
          perMinute: z.number().int().min(1).max(600).default(20),
        })
        .prefault({}),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}; access takes admins, roles, channels, team and rateLimit`
          : undefined,
    },
  )
  // prefault, not default: `{}` is parsed, so the inner defaults apply to a missing section too.
  .prefault({});

/** The parsed `access:` section, defaults applied. */
export type AccessConfig = z.infer<typeof accessSchema>;
/** One environment's role grants. */
export type RoleGrants = z.infer<typeof roleGrantsSchema>;

/**
 * Cross-checks the section against the environments chatops.yaml defines. Each problem is a
 * sentence starting with its path (`access.roles.stage: …`), ready for a config error list.
 */
export function validateAccessReferences(access: AccessConfig, environmentNames: Iterable<string>): string[] {
  const known = new Set(environmentNames);
  const have = [...known].join(', ');
  const problems: string[] = [];
  for (const section of ['roles', 'channels'] as const) {
    for (const env of Object.keys(access[section])) {
      if (!known.has(env)) {
        problems.push(
          `access.${section}.${env}: names environment "${env}", which is not under environments (have: ${have}); fix the name or remove the entry.`,
        );
      }
    }
  }
  for (const [env, channels] of Object.entries(access.channels)) {
    if (channels.length === 0) {
      problems.push(`access.channels.${env}: is empty, so "${env}" commands would be refused in every channel; list the channels or remove the entry.`);
    }
  }
  return problems;
}
