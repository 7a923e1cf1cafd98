/**
 * A tiny router: method + path pattern → handler. Patterns use ARM's own template syntax,
 * e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}`, so routes read
 * like the REST specs they come from. Literal segments match case-insensitively, as ARM does.
 */
import type { RecordedRequest, Reply } from './http.ts';

/** What a handler gets for one request. */
export interface RouteContext {
  req: RecordedRequest;
  /** Path parameters, percent-decoded, original case. */
  params: Record<string, string>;
  /** The emulator's base URL, e.g. `https://localhost:8443`, for links in responses. */
  baseUrl: string;
  /** Emulator clock (ms since epoch) for this request. */
  now: number;
}

/** One endpoint. */
export interface Route {
  method: string;
  /** Path template, `{name}` for a parameter (one segment). */
  pattern: string;
  /**
   * ARM only: api-versions the endpoint accepts (a list or a pattern). Omitted → any.
   * Checked by the ARM family before the handler runs.
   */
  apiVersions?: readonly string[] | RegExp;
  handler: (ctx: RouteContext) => Reply | Promise<Reply>;
}

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (!param) return escapeRegex(part);
      names.push(param[1]!);
      return '([^/]+)';
    })
    .join('');
  return { route, regex: new RegExp(`^${source}/?$`, 'i'), names };
}

/** Routes of one service family, matched in the order they were added. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  /** Adds routes after the existing ones. */
  add(...routes: Route[]): void {
    for (const route of routes) this.#routes.push(compile(route));
  }

  /** The route for `method` + `path`, with its parameters; `undefined` when none matches. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const { route, regex, names } of this.#routes) {
      if (route.method !== method) continue;
      const m = regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
      return { route, params };
    }
    return undefined;
  }
}
