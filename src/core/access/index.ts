/**
 * Access control: roles per environment from chatops.yaml, checked on the server for every
 * command and click; plus the per-user command rate limit.
 */
export { accessSchema, roleGrantsSchema, validateAccessReferences, type AccessConfig, type RoleGrants } from './access-config.ts';
export {
  createAccessPolicy,
  type AccessDecision,
  type AccessPolicy,
  type AccessPolicyOptions,
  type AccessRequest,
  type RefusalReason,
} from './access-policy.ts';
export type { GroupMembers } from './group-members.ts';
export { DEFAULT_COMMANDS_PER_MINUTE, rateLimitMessage, type RateLimitResult, type UserRateLimit } from './rate-limit.ts';
export { channelMention, whoGrants } from './refusal-message.ts';
export {
  expandRoles,
  isRole,
  mayRunSomewhere,
  requiredRole,
  requirementFor,
  ROLES,
  rolesGiving,
  satisfies,
  UNLISTED_ACTION,
  type Role,
  type RoleRequirement,
} from './roles.ts';
