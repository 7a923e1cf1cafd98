/**
 * The access policy: decides, at the moment a command or click arrives, whether this user may
 * do this action in this environment from this channel. Deny by default everywhere.
 *
 * Order of checks: workspace/app, then role, then channel. Role comes before channel so that a
 * person without the role is told about the role (moving channel would not help them).
 */
import type { Mrkdwn } from '../mrkdwn.ts';
import type { AccessConfig } from './access-config.ts';
import type { GroupMembers } from './group-members.ts';
import { channelNotAllowedMessage, foreignWorkspaceMessage, missingRoleMessage } from './refusal-message.ts';
import { expandRoles, requirementFor, ROLES, rolesGiving, satisfies, type Role } from './roles.ts';

/** One thing someone wants to do, with the identity Slack signed. */
export interface AccessRequest {
  userId: string;
  /** `team_id` (or `team.id`) of the payload. */
  teamId: string;
  /** `api_app_id` of the payload; required when `access.team.appId` is set. */
  apiAppId?: string;
  /** Where it was asked; required for environments with channel limits. */
  channelId?: string;
  /** The environment acted on. Without one, only `access.admins` pass role checks. */
  environment?: string;
  /** An action name from `requiredRole`, e.g. `acr.build`, `job.cancel`. */
  action: string;
  /** The user who started the thing acted on (a job's requester), for `owner-or` actions. */
  ownerId?: string;
}

/** Why a request was refused. */
export type RefusalReason = 'foreign_workspace' | 'missing_role' | 'channel_not_allowed';

/** The policy's answer. `roles` are the user's roles in the request's environment (expanded). */
export type AccessDecision =
  | { allowed: true; roles: Role[] }
  | { allowed: false; reason: RefusalReason; missingRole?: Role; environment?: string; message: Mrkdwn };

/** The policy as listeners see it. */
export interface AccessPolicy {
  check(request: AccessRequest): Promise<AccessDecision>;
  /**
   * The user's roles (expanded) in every known environment, for `/ops whoami` and `help`.
   * A user from another workspace gets `{}`. Groups that cannot be read count as empty.
   */
  rolesOf(userId: string, teamId: string): Promise<Record<string, Role[]>>;
}

/** Options of {@link createAccessPolicy}. */
export interface AccessPolicyOptions {
  config: AccessConfig;
  groups: GroupMembers;
  /**
   * Every environment of chatops.yaml, so `rolesOf` lists them all (admins hold every role in
   * each). @defaultValue the environments named in `access.roles` and `access.channels`
   */
  environments?: readonly string[];
}

interface EnvironmentRoles {
  roles: Role[];
  /** Groups whose members could not be read, with the roles they grant. */
  unresolved: Map<string, Role[]>;
}

/** The members of each user group; a group that cannot be read is unresolved and grants nothing (fail closed). */
async function readGroups(
  groups: AccessPolicyOptions['groups'],
  groupIds: ReadonlySet<string>,
): Promise<{ members: Map<string, ReadonlySet<string>>; unresolved: Map<string, Role[]> }> {
  const members = new Map<string, ReadonlySet<string>>();
  const unresolved = new Map<string, Role[]>();
  // In parallel: the adapter caches and de-duplicates, so this is one Slack call per group at most.
  await Promise.all(
    [...groupIds].map(async (id) => {
      try {
        members.set(id, await groups.membersOf(id));
      } catch {
        unresolved.set(id, []);
      }
    }),
  );
  return { members, unresolved };
}

/** Builds the policy. It keeps no state of its own; group caching is the `groups` adapter's job. */
export function createAccessPolicy(options: AccessPolicyOptions): AccessPolicy {
  const { config, groups } = options;
  const environments = options.environments ?? [...new Set([...Object.keys(config.roles), ...Object.keys(config.channels)])];

  const foreignTeam = (teamId: string): boolean => config.team?.id !== undefined && teamId !== config.team.id;
  const foreignApp = (apiAppId: string | undefined): boolean => config.team?.appId !== undefined && apiAppId !== config.team.appId;

  async function rolesIn(userId: string, environment: string | undefined): Promise<EnvironmentRoles> {
    if (config.admins.includes(userId)) return { roles: [...ROLES], unresolved: new Map() };
    // hasOwn: an environment called `constructor` must not find Object.prototype's.
    if (environment === undefined || !Object.hasOwn(config.roles, environment)) return { roles: [], unresolved: new Map() };
    const grants = config.roles[environment]!;
    const { members, unresolved } = await readGroups(groups, new Set(ROLES.flatMap((r) => (grants[r] ?? []).filter((g) => g.startsWith('S')))));
    const granted: Role[] = [];
    for (const role of ROLES) {
      const list = grants[role] ?? [];
      if (list.some((g) => g === '*' || g === userId || members.get(g)?.has(userId) === true)) granted.push(role);
      for (const g of list) unresolved.get(g)?.push(role);
    }
    return { roles: expandRoles(granted), unresolved };
  }

  async function check(request: AccessRequest): Promise<AccessDecision> {
    const { userId, environment } = request;
    if (foreignTeam(request.teamId) || foreignApp(request.apiAppId)) {
      return { allowed: false, reason: 'foreign_workspace', message: foreignWorkspaceMessage() };
    }
    const requirement = requirementFor(request.action);
    if (requirement.kind === 'anyone') {
      return { allowed: true, roles: environment === undefined ? [] : (await rolesIn(userId, environment)).roles };
    }
    const othersThing = requirement.kind === 'owner-or' && request.ownerId !== userId;
    const needed = requirement.kind === 'role' ? requirement.role : othersThing ? requirement.others : requirement.owner;
    const { roles, unresolved } = await rolesIn(userId, environment);
    if (!satisfies(roles, needed)) {
      const giving = rolesGiving(needed);
      const relevant = [...unresolved].filter(([, grantsRoles]) => grantsRoles.some((r) => giving.includes(r))).map(([id]) => id);
      return {
        allowed: false,
        reason: 'missing_role',
        missingRole: needed,
        ...(environment === undefined ? {} : { environment }),
        message: missingRoleMessage({
          role: needed,
          ...(environment === undefined ? {} : { environment }),
          what: requirement.what,
          othersThing,
          admins: config.admins,
          unresolvedGroups: relevant,
        }),
      };
    }
    // Channel limits bind everyone, admins too: they exist so prod actions happen in view of the team.
    if (environment !== undefined && Object.hasOwn(config.channels, environment)) {
      const allowedChannels = config.channels[environment]!;
      if (request.channelId === undefined || !allowedChannels.includes(request.channelId)) {
        return { allowed: false, reason: 'channel_not_allowed', environment, message: channelNotAllowedMessage(environment, allowedChannels) };
      }
    }
    return { allowed: true, roles };
  }

  async function rolesOf(userId: string, teamId: string): Promise<Record<string, Role[]>> {
    // No app id here; `check` still verifies it on every real action.
    if (foreignTeam(teamId)) return {};
    const entries = await Promise.all(environments.map(async (env) => [env, (await rolesIn(userId, env)).roles] as const));
    return Object.fromEntries(entries);
  }

  return { check, rolesOf };
}
