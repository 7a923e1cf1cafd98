import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  AuditWriteError,
  type AuditEvent,
  type AuditEventInput,
  type AuditFilter,
  type AuditLog,
  type AuditPage,
  type AuditPageRequest,
} from '../core/audit.ts';
import { defaultKeyPrefix } from '../queue/names.ts';
import { decodeAuditEntry } from './decode-audit-entry.ts';
import { matchesAuditFilter } from './match-audit-filter.ts';
import { sanitizeAuditEvent } from './sanitize-audit-event.ts';

/** The stream every audit event goes to. */
export const AUDIT_STREAM_KEY = `${defaultKeyPrefix}:audit`;

/** The audit stream of an install with Redis key prefix `prefix`. */
export function auditStreamKey(prefix: string): string {
  return `${prefix}:audit`;
}
/** Largest page a query returns. */
export const MAX_AUDIT_PAGE_SIZE = 500;
/** Stream ids as Redis issues them (`<ms>-<seq>`); also the shape of a cursor. */
export const AUDIT_CURSOR_PATTERN = /^\d{1,15}-\d{1,15}$/;

const DAY_MS = 24 * 3600 * 1000;
/** Entries read per XREVRANGE; big enough that a selective filter needs few round trips. */
const BATCH = 500;

/** Options of {@link RedisAuditLog}. */
export interface RedisAuditLogOptions {
  /** Connection; the caller owns it and closes it. */
  redis: Redis;
  /** Every event is also logged through it as one JSON line, for shipping to a SIEM. */
  logger: Logger;
  /** Events older than this are trimmed from the stream and never returned. @defaultValue 90 */
  retentionDays?: number;
  /** Most stream entries one query reads, however selective its filter. @defaultValue 10000 */
  maxScan?: number;
  /** @defaultValue {@link AUDIT_STREAM_KEY} */
  key?: string;
  /** @defaultValue () => new Date() */
  now?: () => Date;
}

/**
 * {@link AuditLog} over a Redis stream: one entry per event with a single field `e` holding
 * the redacted event as JSON. Stream ids are time-ordered, so "since" is an id range and
 * paging is "continue below this id". Each XADD trims entries older than the retention
 * (`MINID ~`, so Redis drops whole radix nodes cheaply; queries hide the few stragglers).
 */
export class RedisAuditLog implements AuditLog {
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #retentionMs: number;
  readonly #maxScan: number;
  readonly #key: string;
  readonly #now: () => Date;

  constructor(options: RedisAuditLogOptions) {
    const retentionDays = options.retentionDays ?? 90;
    if (!(retentionDays > 0)) throw new RangeError(`retentionDays must be positive, not ${retentionDays}`);
    this.#redis = options.redis;
    this.#logger = options.logger;
    this.#retentionMs = retentionDays * DAY_MS;
    this.#maxScan = Math.max(1, Math.floor(options.maxScan ?? 10_000));
    this.#key = options.key ?? AUDIT_STREAM_KEY;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Stores the redacted event, then logs it (`logger.info({ audit, auditId }, 'audit')`).
   * A given past `at` becomes the stream id (`<ms>-*`) so retention and `since` see when the
   * event happened; when the stream already holds a later entry, Redis refuses that id and
   * the event is stored under the current time instead, keeping its own `at`. An `at` older
   * than the retention is trimmed at once, as it would have been had it come in time.
   *
   * @throws AuditWriteError when Redis fails (the failure is logged at error level with the
   * redacted event first, so the SIEM still sees the attempt).
   * @throws TypeError for a malformed event (see `sanitizeAuditEvent`).
   */
  async record(input: AuditEventInput): Promise<void> {
    const now = this.#now();
    const event = sanitizeAuditEvent(input, now);
    const atMs = Date.parse(event.at);
    // A future `at` (a worker's clock running fast) would drag every later id forward with it.
    const id = input.at !== undefined && atMs <= now.getTime() ? `${atMs}-*` : '*';
    let storedId: string;
    try {
      storedId = await this.#append(id, JSON.stringify(event), now.getTime() - this.#retentionMs);
    } catch (err) {
      this.#logger.error({ audit: event, err }, 'audit write failed');
      throw new AuditWriteError(event.action, err);
    }
    this.#logger.info({ audit: event, auditId: storedId }, 'audit');
  }

  /**
   * Events matching `filter`, newest first. Reads at most `maxScan` entries per call: a page
   * can then hold fewer than `limit` events while `nextCursor` still says more may follow.
   *
   * @throws RangeError for a limit outside 1–{@link MAX_AUDIT_PAGE_SIZE} or a malformed cursor.
   */
  async query(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    const { limit, cursor } = page;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE_SIZE) throw new RangeError(`limit must be 1–${MAX_AUDIT_PAGE_SIZE}, not ${limit}`);
    if (cursor !== undefined && !AUDIT_CURSOR_PATTERN.test(cursor)) throw new RangeError('malformed audit cursor');
    // Nothing sorts below 0-0, and Redis rejects "(0-0" as an end bound.
    if (cursor === '0-0') return { events: [] };

    const floorMs = Math.max(this.#now().getTime() - this.#retentionMs, filter.since?.getTime() ?? 0);
    const start = `${Math.max(0, Math.floor(floorMs))}-0`;
    let end = cursor === undefined ? '+' : `(${cursor}`;
    const found: { id: string; event: AuditEvent }[] = [];
    let scanned = 0;
    let lastScanned: string | undefined;

    while (scanned < this.#maxScan) {
      const count = Math.min(BATCH, this.#maxScan - scanned);
      const entries = await this.#redis.xrevrange(this.#key, end, start, 'COUNT', count);
      for (const [id, fields] of entries) {
        scanned++;
        lastScanned = id;
        const event = decodeAuditEntry(fields);
        if (event === undefined) {
          this.#logger.warn({ auditId: id }, 'unreadable audit entry skipped');
          continue;
        }
        if (!matchesAuditFilter(event, filter)) continue;
        // A match beyond the page proves there is a next page, without an empty last page.
        if (found.length === limit) return { events: found.map((f) => f.event), nextCursor: found[found.length - 1]!.id };
        found.push({ id, event });
      }
      if (entries.length < count || lastScanned === undefined) return { events: found.map((f) => f.event) };
      end = `(${lastScanned}`;
    }
    // Scan cap reached: the next page resumes below the last entry read, matched or not.
    return { events: found.map((f) => f.event), ...(lastScanned === undefined ? {} : { nextCursor: lastScanned }) };
  }

  async #append(id: string, json: string, minMs: number): Promise<string> {
    const add = (streamId: string) => this.#redis.xadd(this.#key, 'MINID', '~', String(Math.max(0, minMs)), streamId, 'e', json);
    try {
      return (await add(id)) ?? id;
    } catch (err) {
      if (id === '*' || !/equal or smaller than the target stream top item/i.test(String((err as Error | undefined)?.message))) throw err;
      return (await add('*')) ?? '*';
    }
  }
}
