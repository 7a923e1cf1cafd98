import { ErrorCode, type WebClient } from '@slack/web-api';
import type { GroupMembers } from '../core/access/group-members.ts';

/** Options of {@link SlackGroupMembers}. */
export interface SlackGroupMembersOptions {
  /**
   * The client to call. Give it `rejectRateLimitedCalls: true` and a small `retryConfig`:
   * the default policy retries for half an hour, during which checks only get stale lists.
   */
  client: WebClient;
  /** How long a fetched member list is used without asking Slack again. @defaultValue 60_000 */
  ttlMs?: number;
  /**
   * When Slack fails, the last list fetched less than this long ago is used instead; older or
   * none → the lookup fails (and the policy counts the group as empty). `0` fails closed at once.
   * @defaultValue 600_000
   */
  staleIfErrorMs?: number;
  /** After a failure, Slack is not asked again for this long (or its `Retry-After`, if longer). @defaultValue 5_000 */
  errorBackoffMs?: number;
  /** A check waits no longer than this for Slack; the call carries on and fills the cache. @defaultValue 2_000 */
  callTimeoutMs?: number;
  /** `team_id` to pass, needed with an org-wide (Enterprise Grid) token. */
  teamId?: string;
  /** Clock, in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
}

interface Entry {
  members?: ReadonlySet<string>;
  fetchedAt: number;
  /** Do not call Slack before this time (after a failure). */
  retryAt: number;
  lastError?: unknown;
  inflight?: Promise<ReadonlySet<string>>;
}

/** A check stopped waiting for Slack (the call itself goes on). */
class CallTimeoutError extends Error {
  override name = 'CallTimeoutError';
  constructor(ms: number) {
    super(`usergroups.users.list took longer than ${ms} ms`);
  }
}

/** The lookup failed and no recent-enough list was there to stand in. */
export class GroupMembersUnavailableError extends Error {
  override name = 'GroupMembersUnavailableError';
  readonly groupId: string;
  constructor(groupId: string, cause: unknown) {
    super(`Could not read the members of Slack user group ${groupId}`, { cause });
    this.groupId = groupId;
  }
}

/**
 * Slack user-group membership via `usergroups.users.list`, which is Tier 2 (about 20 calls a
 * minute per workspace): so each group's list is cached for `ttlMs`, concurrent checks share
 * one call, and failures back off.
 *
 * On a Slack error the last known list is served for up to `staleIfErrorMs` after it was
 * fetched. That trades up to ten minutes of late revocation during a Slack outage for not
 * locking everyone out of every environment whenever the API hiccups; with no such list
 * the lookup fails and the policy fails closed.
 */
export class SlackGroupMembers implements GroupMembers {
  readonly #client: WebClient;
  readonly #ttlMs: number;
  readonly #staleIfErrorMs: number;
  readonly #errorBackoffMs: number;
  readonly #callTimeoutMs: number;
  readonly #teamId: string | undefined;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: SlackGroupMembersOptions) {
    this.#client = options.client;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 600_000;
    this.#errorBackoffMs = options.errorBackoffMs ?? 5_000;
    this.#callTimeoutMs = options.callTimeoutMs ?? 2_000;
    this.#teamId = options.teamId;
    this.#now = options.now ?? Date.now;
  }

  async membersOf(groupId: string): Promise<ReadonlySet<string>> {
    let entry = this.#entries.get(groupId);
    if (!entry) {
      entry = { fetchedAt: -Infinity, retryAt: -Infinity };
      this.#entries.set(groupId, entry);
    }
    const now = this.#now();
    if (entry.members && now - entry.fetchedAt < this.#ttlMs) return entry.members;
    if (now < entry.retryAt) return this.#staleOrThrow(groupId, entry, entry.lastError);
    const call = entry.inflight ?? this.#fetch(groupId, entry);
    try {
      return await this.#withTimeout(call);
    } catch (error) {
      if (error instanceof CallTimeoutError) {
        // Slack is slow: let the next checks answer at once (stale or refused) instead of each
        // spending another timeout of the 3 s ack window; the call itself carries on.
        entry.lastError = error;
        entry.retryAt = Math.max(entry.retryAt, this.#now() + this.#errorBackoffMs);
      }
      return this.#staleOrThrow(groupId, entry, error);
    }
  }

  /** Forgets every cached list (e.g. after a config reload). */
  clear(): void {
    this.#entries.clear();
  }

  /** Starts the one call for `groupId`; its slot is freed when it settles, whoever is waiting. */
  #fetch(groupId: string, entry: Entry): Promise<ReadonlySet<string>> {
    const call = this.#load(groupId, entry);
    entry.inflight = call;
    const release = (): void => {
      if (entry.inflight === call) delete entry.inflight;
    };
    call.then(release, release);
    return call;
  }

  async #load(groupId: string, entry: Entry): Promise<ReadonlySet<string>> {
    try {
      const res = await this.#client.usergroups.users.list({ usergroup: groupId, ...(this.#teamId ? { team_id: this.#teamId } : {}) });
      const members: ReadonlySet<string> = new Set(res.users ?? []);
      entry.members = members;
      entry.fetchedAt = this.#now();
      entry.retryAt = -Infinity;
      delete entry.lastError;
      return members;
    } catch (error) {
      entry.lastError = error;
      entry.retryAt = this.#now() + Math.max(this.#errorBackoffMs, retryAfterMs(error));
      throw error;
    }
  }

  #staleOrThrow(groupId: string, entry: Entry, error: unknown): ReadonlySet<string> {
    if (entry.members && this.#now() - entry.fetchedAt <= this.#staleIfErrorMs) return entry.members;
    throw new GroupMembersUnavailableError(groupId, error);
  }

  async #withTimeout<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeoutError(this.#callTimeoutMs)), this.#callTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function retryAfterMs(error: unknown): number {
  const e = error as { code?: unknown; retryAfter?: unknown };
  return e.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : 0;
}
