/**
 * Roles, and what an action needs of them. Pure data: the command specs declare their
 * requirement with these, and the role table is built from the specs.
 */

/** Every role, weakest first; the order is the one `expandRoles` returns. */
export const ROLES = ['viewer', 'builder', 'deployer', 'approver', 'admin'] as const;

/** A role granted per environment in `access.roles` (or everywhere, through `access.admins`). */
export type Role = (typeof ROLES)[number];

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

export const anyone = (what: string): RoleRequirement => ({ kind: 'anyone', what });
export const role = (r: Role, what: string): RoleRequirement => ({ kind: 'role', role: r, what });
