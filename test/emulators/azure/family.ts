/**
 * A service family is one Azure service behind the emulator (Entra ID, ARM, Blob storage, …):
 * which paths it owns, how it checks requests, how it words errors and which headers every
 * answer carries. Adding a service (ACI, Graph, Key Vault) means adding a family or routes.
 */
import type { InjectedFault } from './faults.ts';
import type { Reply, ServiceFamily } from './http.ts';
import type { Route, RouteContext, Router } from './router.ts';

export interface FamilyPolicy {
  readonly name: ServiceFamily;
  readonly router: Router;
  /** Whether a request path belongs to this service. */
  claims(path: string): boolean;
  /** Checks before the handler (authentication, api-version…); a reply ends the request. */
  guard?(route: Route | undefined, ctx: RouteContext): Reply | undefined;
  /** The answer when no route matches. */
  notFound(ctx: RouteContext): Reply;
  /** The answer for an injected fault. */
  fault(fault: InjectedFault, ctx: RouteContext): Reply;
  /** Adds the headers every answer of this service carries. */
  decorate(reply: Reply, ctx: RouteContext): Reply;
}

/** Adds headers to a reply, keeping any the handler already set (names compared case-insensitively). */
export function withHeaders(reply: Reply, headers: Record<string, string | number>): Reply {
  const existing = new Set(Object.keys(reply.headers ?? {}).map((h) => h.toLowerCase()));
  const added = Object.fromEntries(Object.entries(headers).filter(([h]) => !existing.has(h.toLowerCase())));
  return { ...reply, headers: { ...added, ...reply.headers } };
}
