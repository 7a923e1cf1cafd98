/**
 * The OData query options Graph's `applications` collection honours here: `$select`, `$top`,
 * `$filter` (one `eq` on `appId`/`id`/`displayName`, or `startswith(displayName,'…')`) and
 * the opaque `$skiptoken` of `@odata.nextLink`. Each parser returns Graph's 400 on bad input.
 */
import type { Reply } from '../http.ts';
import type { RouteContext } from '../router.ts';
import type { ApplicationState, GraphStore } from './store.ts';
import { APPLICATION_PROPERTIES, graphError } from './wire.ts';

// application-list.md: "The default and maximum page sizes are 100 and 999 application objects".
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

/** A system query option by name; Graph matches `$skipToken` and `$skiptoken` alike. */
export function option(ctx: RouteContext, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(ctx.req.query)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `$select=id,appId` → canonical property names; `undefined` when absent. The 400 wording is assumed. */
export function parseSelect(ctx: RouteContext): Parsed<string[] | undefined> {
  const raw = option(ctx, '$select');
  if (raw === undefined) return { ok: true, value: undefined };
  const names: string[] = [];
  for (const part of raw.split(',')) {
    const name = APPLICATION_PROPERTIES.get(part.trim().toLowerCase());
    if (!name) {
      return {
        ok: false,
        reply: graphError(
          ctx,
          400,
          'Request_BadRequest',
          `Parsing OData Select and Expand failed: Could not find a property named '${part.trim()}' on type 'microsoft.graph.application'.`,
        ),
      };
    }
    if (!names.includes(name)) names.push(name);
  }
  return { ok: true, value: names };
}

/** `$top`: 1–999, default 100. The 400 wording for other values is assumed. */
export function parseTop(ctx: RouteContext): Parsed<number> {
  const raw = option(ctx, '$top');
  if (raw === undefined) return { ok: true, value: DEFAULT_PAGE_SIZE };
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PAGE_SIZE)) {
    return {
      ok: false,
      reply: graphError(ctx, 400, 'Request_BadRequest', `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`),
    };
  }
  return { ok: true, value: n };
}

function unquote(literal: string): string {
  return literal.replace(/''/g, "'");
}

/**
 * `$filter` → a predicate; no filter keeps everything. application-list.md shows `eq` on appId and
 * displayName and `startswith(displayName,…)`; Request_UnsupportedQuery for the rest is assumed.
 */
export function parseFilter(ctx: RouteContext): Parsed<(app: ApplicationState) => boolean> {
  const raw = option(ctx, '$filter');
  if (raw === undefined) return { ok: true, value: () => true };
  const eq = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  const starts = /^\s*startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i.exec(raw);
  const property = (eq ?? starts)?.[1]?.toLowerCase();
  const value = unquote((eq ?? starts)?.[2] ?? '').toLowerCase();
  if (eq && property === 'appid') return { ok: true, value: (app) => app.appId === value };
  if (eq && property === 'id') return { ok: true, value: (app) => app.id === value };
  if (eq && property === 'displayname') return { ok: true, value: (app) => app.displayName.toLowerCase() === value };
  if (starts && property === 'displayname') return { ok: true, value: (app) => app.displayName.toLowerCase().startsWith(value) };
  if (property) {
    return {
      ok: false,
      reply: graphError(
        ctx,
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${(eq ?? starts)![1]}' of resource 'Application'.`,
      ),
    };
  }
  return { ok: false, reply: graphError(ctx, 400, 'BadRequest', `Invalid filter clause: Syntax error at position 0 in '${raw}'.`) };
}

// Graph's skip tokens are opaque (concepts/paging.md); real ones look like base64 of a binary
// header plus the last object's id (assumed), which lets a listing resume after the same app.
const SKIP_PREFIX = 'DSpt\u0002\u0000\u0001\u0000\u0000\u0000Application_';

export function skipTokenAfter(app: ApplicationState): string {
  return Buffer.from(`${SKIP_PREFIX}${app.id}`, 'latin1').toString('base64url');
}

/** The list position a `$skiptoken` resumes at (0 without one). */
export function parseSkipToken(ctx: RouteContext, store: GraphStore): Parsed<number> {
  const raw = option(ctx, '$skiptoken');
  if (raw === undefined) return { ok: true, value: 0 };
  const text = Buffer.from(raw, 'base64url').toString('latin1');
  const app = text.startsWith(SKIP_PREFIX) ? store.byId(text.slice(SKIP_PREFIX.length)) : undefined;
  if (!app) return { ok: false, reply: graphError(ctx, 400, 'Request_BadRequest', `'${raw}' is not a valid skip token.`) };
  return { ok: true, value: app.index + 1 };
}
