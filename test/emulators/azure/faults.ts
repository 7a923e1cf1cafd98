/**
 * Fault injection: the next matching requests get an error in the target service's own wire
 * format (ARM error envelope, Storage XML, AADSTS JSON), so the SDKs' retry policies see
 * exactly what Azure would send. A lost answer (`afterHandler`) is the case Azure's retry
 * guidance warns about for non-idempotent calls (learn.microsoft.com/azure/architecture/patterns/retry).
 */
import type { RecordedRequest } from './http.ts';

/** Options of `AzureEmulator.failNext`. */
export interface FailNextOptions {
  /** Only this HTTP method (any case). Omitted → any method. */
  method?: string;
  /**
   * Only paths matching this. Omitted → every **ARM** request (identity and blob requests are
   * only hit when a `path` is given).
   */
  path?: RegExp;
  /** 429 → `TooManyRequests`; 500 → `InternalServerError`; 502 → `BadGateway`; 503 → `ServiceUnavailable`. */
  status: 429 | 500 | 502 | 503 | 504;
  /** `Retry-After` header in seconds (always sent for 429; default 1 there). */
  retryAfterSeconds?: number;
  /** How many matching requests fail, default 1. */
  times?: number;
  /**
   * `true`: let the request take effect first, then answer the error — a response lost
   * after the work was done (e.g. a run scheduled although the client saw a 500).
   */
  afterHandler?: boolean;
}

/** A fault chosen for one request. */
export interface InjectedFault {
  status: number;
  retryAfterSeconds?: number;
  afterHandler: boolean;
}

interface PendingFault {
  options: FailNextOptions;
  remaining: number;
}

/** Pending faults, consumed in the order they were queued. */
export class Faults {
  #pending: PendingFault[] = [];

  /** Queues a fault. */
  add(options: FailNextOptions): void {
    this.#pending.push({ options, remaining: options.times ?? 1 });
  }

  /** Drops every pending fault. */
  clear(): void {
    this.#pending = [];
  }

  /** The fault for this request, if one matches; consumes one of its `times`. */
  take(req: RecordedRequest): InjectedFault | undefined {
    const index = this.#pending.findIndex(({ options }) => matches(options, req));
    if (index < 0) return undefined;
    const pending = this.#pending[index]!;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.#pending.splice(index, 1);
    const { status, retryAfterSeconds, afterHandler } = pending.options;
    const retry = retryAfterSeconds ?? (status === 429 ? 1 : undefined);
    return { status, afterHandler: afterHandler ?? false, ...(retry !== undefined && { retryAfterSeconds: retry }) };
  }
}

function matches(options: FailNextOptions, req: RecordedRequest): boolean {
  if (options.method && options.method.toUpperCase() !== req.method) return false;
  if (options.path) return options.path.test(req.path);
  return req.kind === 'arm';
}
