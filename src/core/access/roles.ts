/**
 * Roles and what each action needs. Pure data and functions: no config, no I/O.
 *
 * Implications are deliberately few: `admin` holds every role, and any role in an environment
 * also lets you look at that environment (`viewer`). Nothing else is implied: a deployer is not
 * a builder and an approver is not a deployer, so that approving stays a separate duty.
 */
import { COMMAND_SPECS } from '../commands/specs.ts';
import { anyone, role, ROLES, type Role, type RoleRequirement } from './requirement.ts';

export { ROLES, type Role, type RoleRequirement } from './requirement.ts';

/** Type guard for role names read from config or input. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * The roles a set of granted roles amounts to, in {@link ROLES} order: `admin` gives all of
 * them, any role gives `viewer`.
 */
export function expandRoles(granted: Iterable<Role>): Role[] {
  const held = new Set<Role>(granted);
  if (held.has('admin')) return [...ROLES];
  if (held.size > 0) held.add('viewer');
  return ROLES.filter((r) => held.has(r));
}

/** Whether `granted` (unexpanded or expanded) includes `needed`, implications applied. */
export function satisfies(granted: Iterable<Role>, needed: Role): boolean {
  return expandRoles(granted).includes(needed);
}

/**
 * The roles that, once granted, give `needed`: itself, `admin`, and for `viewer` every role.
 * The policy uses it to look only at the grant lists that matter for one check.
 */
export function rolesGiving(needed: Role): Role[] {
  return ROLES.filter((r) => r === needed || r === 'admin' || needed === 'viewer');
}

/**
 * What the actions that are not slash commands need: buttons, the Home, approvals. A key
 * ending in `.*` covers every action under that prefix.
 */
const otherActions: Readonly<Record<string, RoleRequirement>> = {
  'ops.help': anyone('see the commands'),
  // The Home shows each person only what their roles let them see.
  'home.view': anyone('see your App Home'),
  'ops.job.unscoped': role('admin', 'see jobs of no environment (rotations, expiry scans)'),
  'job.cancel': { kind: 'owner-or', owner: 'builder', others: 'admin', what: 'cancel jobs' },
  // A run a push or a trigger started (announced by the task watcher) is nobody's own.
  'job.cancel.announced': role('builder', 'cancel task runs started by a push or a trigger'),
  // A promotion only reads the source; the target's requirement is its command spec's.
  'aci.promote.source': role('viewer', 'promote what runs here to another environment'),
  'acr.promote.source': role('viewer', 'promote images of this environment’s registry'),
  'approval.decide': role('approver', 'approve or reject requests'),
  // Who may decide is the environment's `approval.approvers` (or the requester, to confirm);
  // the policy only checks that the click comes from this workspace and app.
  'approval.click': anyone('answer approval requests'),
  // Credential work a job does on its own (a scan's rotation) stays with the admins.
  'sp.*': role('admin', 'manage service principal credentials'),
  'acr.token.*': role('admin', 'manage registry tokens'),
};

/**
 * Action name → requirement: every slash command's, as its spec declares it (see
 * `core/commands/specs.ts`), plus the other actions above.
 */
export const requiredRole: Readonly<Record<string, RoleRequirement>> = {
  ...Object.fromEntries(COMMAND_SPECS.map((spec) => [spec.action, spec.requires])),
  ...otherActions,
};

/** What an action not in {@link requiredRole} needs: admin only, so a forgotten entry fails closed. */
export const UNLISTED_ACTION: RoleRequirement = role('admin', 'run this command');

/**
 * The requirement of `action`: its exact entry, else the longest matching `prefix.*` entry,
 * else {@link UNLISTED_ACTION}.
 */
export function requirementFor(action: string): RoleRequirement {
  // hasOwn: an action called `constructor` must not find Object.prototype's.
  if (Object.hasOwn(requiredRole, action)) return requiredRole[action]!;
  let best: { length: number; requirement: RoleRequirement } | undefined;
  for (const [key, requirement] of Object.entries(requiredRole)) {
    if (!key.endsWith('.*')) continue;
    const prefix = key.slice(0, -1); // keeps the dot: 'sp.' matches 'sp.rotate', not 'spx'
    if (action.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { length: prefix.length, requirement };
  }
  return best?.requirement ?? UNLISTED_ACTION;
}

/**
 * Whether someone with these roles (per environment, as `rolesOf` returns them) may run
 * `action` in at least one environment. For `help`, which lists only what you may run; the
 * real check still happens when the command runs. `owner-or` counts the owner's role, since
 * everyone may act on their own jobs.
 */
export function mayRunSomewhere(rolesByEnvironment: Readonly<Record<string, readonly Role[]>>, action: string): boolean {
  const requirement = requirementFor(action);
  if (requirement.kind === 'anyone') return true;
  const needed = requirement.kind === 'role' ? requirement.role : requirement.owner;
  return Object.values(rolesByEnvironment).some((roles) => satisfies(roles, needed));
}
