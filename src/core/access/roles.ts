/**
 * Roles and what each action needs. Pure data and functions: no config, no I/O.
 *
 * Implications are deliberately few: `admin` holds every role, and any role in an environment
 * also lets you look at that environment (`viewer`). Nothing else is implied: a deployer is not
 * a builder and an approver is not a deployer, so that approving stays a separate duty.
 */

/** Every role, weakest first; the order is the one {@link expandRoles} returns. */
export const ROLES = ['viewer', 'builder', 'deployer', 'approver', 'admin'] as const;

/** A role granted per environment in `access.roles` (or everywhere, through `access.admins`). */
export type Role = (typeof ROLES)[number];

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
 * What an action needs. `what` completes "You need the X role … to ___" in refusals.
 * - `anyone`: any user of the workspace (still refused from another workspace or app);
 * - `role`: that role in the request's environment;
 * - `owner-or`: `owner` when the user started the thing acted on, else `others`.
 */
export type RoleRequirement =
  | { readonly kind: 'anyone'; readonly what: string }
  | { readonly kind: 'role'; readonly role: Role; readonly what: string }
  | { readonly kind: 'owner-or'; readonly owner: Role; readonly others: Role; readonly what: string };

const anyone = (what: string): RoleRequirement => ({ kind: 'anyone', what });
const role = (r: Role, what: string): RoleRequirement => ({ kind: 'role', role: r, what });

/**
 * Action name → requirement. A key ending in `.*` covers every action under that prefix.
 * Entries for commands that do not exist yet are here so that their authorisation is decided
 * (and reviewed) before their code is written.
 */
export const requiredRole: Readonly<Record<string, RoleRequirement>> = {
  'ops.help': anyone('see the commands'),
  'ops.whoami': anyone('see your roles'),
  // The Home shows each person only what their roles let them see.
  'home.view': anyone('see your App Home'),
  'ops.job': role('viewer', 'see jobs'),
  'ops.job.unscoped': role('admin', 'see jobs of no environment (rotations, expiry scans)'),
  'ops.audit': role('admin', 'read the audit log'),
  'acr.build': role('builder', 'start builds'),
  'job.cancel': { kind: 'owner-or', owner: 'builder', others: 'admin', what: 'cancel jobs' },
  // A run a push or a trigger started (announced by the task watcher) is nobody's own.
  'job.cancel.announced': role('builder', 'cancel task runs started by a push or a trigger'),
  // Which tasks' runs are announced in a channel, like creating the task itself.
  'acr.task.subscribe': role('builder', 'subscribe a channel to ACR task runs'),
  'acr.task.unsubscribe': role('builder', 'unsubscribe a channel from ACR task runs'),
  'aci.show': role('viewer', 'see container groups'),
  'aci.logs': role('viewer', 'read container logs'),
  'aci.list': role('viewer', 'list container groups'),
  'aci.deploy': role('deployer', 'deploy containers'),
  'aci.restart': role('deployer', 'restart container groups'),
  'aci.stop': role('deployer', 'stop container groups'),
  'aci.start': role('deployer', 'start container groups'),
  'aci.delete': role('deployer', 'delete container groups'),
  // A promotion changes the target (import, deploy) and only reads the source.
  'aci.promote': role('deployer', 'promote images into this environment'),
  'aci.promote.source': role('viewer', 'promote what runs here to another environment'),
  'acr.promote': role('builder', 'import images into this environment’s registry'),
  'acr.promote.source': role('viewer', 'promote images of this environment’s registry'),
  'approval.decide': role('approver', 'approve or reject requests'),
  // Who may decide is the environment's `approval.approvers` (or the requester, to confirm);
  // the policy only checks that the click comes from this workspace and app.
  'approval.click': anyone('answer approval requests'),
  'sp.*': role('admin', 'manage service principal credentials'),
  'acr.token.*': role('admin', 'manage registry tokens'),
  'acr.replication.delete': role('admin', 'delete registry replications'),
  'acr.replication.create': role('admin', 'create registry replications'),
  'acr.replication.list': role('viewer', 'list registry replications'),
  'acr.show': role('viewer', 'see the registry'),
  'acr.update': role('admin', 'change registry settings'),
  'acr.task.list': role('viewer', 'list ACR tasks'),
  'acr.task.show': role('viewer', 'see ACR tasks'),
  // A task builds and pushes on every commit, like a standing `/acr build`.
  'acr.task.create': role('builder', 'create ACR tasks'),
  'acr.task.run': role('builder', 'run ACR tasks'),
  'acr.task.delete': role('builder', 'delete ACR tasks'),
  'acr.runs': role('viewer', 'list registry runs'),
  'acr.logs': role('viewer', 'read run logs'),
  'acr.cancel': role('builder', 'cancel runs'),
  'acr.repository.list': role('viewer', 'list repositories'),
  'acr.repository.show-tags': role('viewer', 'list tags'),
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
