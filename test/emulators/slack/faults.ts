/**
 * Fault injection: rate-limit windows (HTTP 429 + `Retry-After`), HTTP 5xx answers and Slack
 * platform errors (HTTP 200 `{ok:false,error}`).
 *
 * A fault without `method` matches every Web API method but not the `upload` / `response_url`
 * endpoints; name those explicitly (`method: 'upload'`) to target them.
 */
import { RESPONSE_URL_METHOD, UPLOAD_METHOD } from './types.ts';

/** Options of {@link SlackEmulator.rateLimit}. */
export interface RateLimitOptions {
  /** Method to limit (e.g. `chat.postMessage`); all API methods when omitted. */
  method?: string;
  /** How long the window lasts from now, in milliseconds. */
  forMs: number;
  /** Value of the `Retry-After` header, in seconds. */
  retryAfterSeconds: number;
  /**
   * Answer HTTP 200 `{ok:false,error:"ratelimited"}` without `Retry-After` instead of a 429: the
   * Web API's OpenAPI spec (slackapi/slack-api-specs) lists `ratelimited` as a platform error too.
   */
  inBody?: boolean;
}

/** Options of {@link SlackEmulator.failNext}. */
export interface FailNextOptions {
  method?: string;
  /** HTTP status to answer. */
  status: 500 | 502 | 503 | 504;
  /** How many matching calls fail, default 1. */
  times?: number;
}

/** Options of {@link SlackEmulator.errorNext}. */
export interface ErrorNextOptions {
  method?: string;
  /** Slack error code, e.g. `not_in_channel`, `channel_not_found`, `invalid_auth`. */
  error: string;
  /** How many matching calls fail, default 1. */
  times?: number;
}

/** Options of {@link SlackEmulator.loseAnswer}. */
export interface LoseAnswerOptions {
  method: string;
  /** Answer after this long (the caller may be gone by then); without it, answer 503 at once. */
  holdMs?: number;
  times?: number;
}

/** What a fault decided for one call. */
export type FaultDecision =
  | { kind: 'ratelimited'; retryAfterSeconds: number; inBody?: boolean }
  | { kind: 'http_error'; status: number }
  | { kind: 'platform_error'; error: string };

interface RateWindow {
  method?: string;
  until: number;
  retryAfterSeconds: number;
  inBody: boolean;
}
interface Counted<T> {
  method?: string;
  remaining: number;
  value: T;
}

const SPECIAL = new Set([UPLOAD_METHOD, RESPONSE_URL_METHOD]);

function matches(faultMethod: string | undefined, method: string): boolean {
  if (faultMethod === undefined) return !SPECIAL.has(method);
  return faultMethod === method;
}

/** Holds the active faults and decides, per call, whether one applies. */
export class Faults {
  private windows: RateWindow[] = [];
  private failures: Counted<number>[] = [];
  private errors: Counted<string>[] = [];
  private lost: Counted<{ holdMs?: number }>[] = [];

  /**
   * The next matching calls are carried out, but their answer is lost: a 503 instead of the
   * result, or the result only after `holdMs`. This is what a caller sees when the network drops
   * the response, or when its process dies between the call and reading the answer.
   */
  loseAnswer(options: LoseAnswerOptions): void {
    this.lost.push({ method: options.method, remaining: options.times ?? 1, value: options.holdMs !== undefined ? { holdMs: options.holdMs } : {} });
  }

  /** Consumes a lost-answer fault for `method`, if one is queued. */
  takeLost(method: string): { holdMs?: number } | undefined {
    const lost = this.lost.find((l) => l.remaining > 0 && l.method === method);
    if (!lost) return undefined;
    lost.remaining -= 1;
    this.lost = this.lost.filter((l) => l.remaining > 0);
    return lost.value;
  }

  /** Opens a rate-limit window. */
  rateLimit(options: RateLimitOptions): void {
    this.windows.push({
      ...(options.method !== undefined ? { method: options.method } : {}),
      until: Date.now() + options.forMs,
      retryAfterSeconds: options.retryAfterSeconds,
      inBody: options.inBody ?? false,
    });
  }

  /** Queues HTTP 5xx answers. */
  failNext(options: FailNextOptions): void {
    this.failures.push({
      ...(options.method !== undefined ? { method: options.method } : {}),
      remaining: options.times ?? 1,
      value: options.status,
    });
  }

  /** Queues platform errors. */
  errorNext(options: ErrorNextOptions): void {
    this.errors.push({
      ...(options.method !== undefined ? { method: options.method } : {}),
      remaining: options.times ?? 1,
      value: options.error,
    });
  }

  /** Removes every fault. */
  clear(): void {
    this.windows = [];
    this.failures = [];
    this.errors = [];
    this.lost = [];
  }

  /**
   * Decides the fault for a call to `method`, consuming one use of a counted fault.
   * Precedence: rate limit, then 5xx, then platform error.
   */
  take(method: string): FaultDecision | undefined {
    const now = Date.now();
    this.windows = this.windows.filter((w) => w.until > now);
    const window = this.windows.find((w) => matches(w.method, method));
    if (window) return { kind: 'ratelimited', retryAfterSeconds: window.retryAfterSeconds, ...(window.inBody && { inBody: true }) };

    const failure = this.failures.find((f) => f.remaining > 0 && matches(f.method, method));
    if (failure) {
      failure.remaining -= 1;
      this.failures = this.failures.filter((f) => f.remaining > 0);
      return { kind: 'http_error', status: failure.value };
    }

    const error = this.errors.find((e) => e.remaining > 0 && matches(e.method, method));
    if (error) {
      error.remaining -= 1;
      this.errors = this.errors.filter((e) => e.remaining > 0);
      return { kind: 'platform_error', error: error.value };
    }
    return undefined;
  }
}
