import type { ApprovalState, Approvals, DecisionResult, NewApproval, PendingApprovals } from '../core/approval/approvals.ts';
import { RedisStore } from './redis-store.ts';

/** Approvals outlive the request by far, so `/ops job` and audits can still show who decided. */
const ttlSeconds = 30 * 24 * 3600;

// Every decision is one script: read, check, write. Two approvers clicking at the same moment,
// a double-click or a replayed payload are serialised by Redis, so each counts at most once and
// a request leaves `pending` exactly once. cjson turns an empty array into `{}`; the
// TypeScript side normalises that when it reads the state back.
// KEYS[2] indexes the pending requests by expiry (for the pending-approvals gauge and the App
// Home's list); every script that moves a request out of `pending` removes it there in the
// same step.
const OPEN = `
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) end
return redis.call('GET', KEYS[1])
`;

const DECIDE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return {'missing'} end
local s = cjson.decode(raw)
local user, nowMs, nowIso, verb = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
if s.status ~= 'pending' then return {'closed', raw} end
if nowMs >= s.expiresAtMs then
  s.status = 'expired'; s.decidedAt = s.expiresAt; redis.call('ZREM', KEYS[2], s.jobId)
  local out = cjson.encode(s); redis.call('SET', KEYS[1], out, 'KEEPTTL'); return {'expired', out}
end
if s.mode == 'approval' and user == s.requesterId and verb == 'approve' then return {'forbidden', raw} end
if s.mode == 'confirm' and user ~= s.requesterId then return {'forbidden', raw} end
if verb == 'reject' then
  s.status = 'rejected'; s.decidedAt = nowIso; redis.call('ZREM', KEYS[2], s.jobId)
  s.rejection = { userId = user, at = nowIso }
  if ARGV[5] ~= '' then s.rejection.reason = ARGV[5] end
  local out = cjson.encode(s); redis.call('SET', KEYS[1], out, 'KEEPTTL'); return {'rejected', out}
end
if type(s.approvals) ~= 'table' then s.approvals = {} end
for _, a in ipairs(s.approvals) do
  if a.userId == user then return {'duplicate', raw} end
end
table.insert(s.approvals, { userId = user, at = nowIso })
local outcome = 'recorded'
if #s.approvals >= s.required then s.status = 'approved'; s.decidedAt = nowIso; outcome = 'approved'; redis.call('ZREM', KEYS[2], s.jobId) end
local out = cjson.encode(s); redis.call('SET', KEYS[1], out, 'KEEPTTL'); return {outcome, out}
`;

const EXPIRE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local s = cjson.decode(raw)
if s.status == 'pending' and tonumber(ARGV[1]) >= s.expiresAtMs then
  s.status = 'expired'; s.decidedAt = s.expiresAt; redis.call('ZREM', KEYS[2], s.jobId)
  raw = cjson.encode(s); redis.call('SET', KEYS[1], raw, 'KEEPTTL')
end
return raw
`;

type Stored = ApprovalState & { expiresAtMs: number };

function parse(raw: string): ApprovalState {
  const { expiresAtMs: _ignored, ...state } = JSON.parse(raw) as Stored;
  return { ...state, approvals: Array.isArray(state.approvals) ? state.approvals : [] };
}

/** Approval requests in Redis, decided by Lua scripts (see {@link Approvals}). */
export class RedisApprovals extends RedisStore implements Approvals, PendingApprovals {
  #key(jobId: string): string {
    return `${this.prefix}:approval:${jobId}`;
  }

  #pendingKey(): string {
    return `${this.prefix}:approvals-pending`;
  }

  async open(request: NewApproval, now = new Date()): Promise<ApprovalState> {
    const state: Stored = { ...request, status: 'pending', approvals: [], openedAt: now.toISOString(), expiresAtMs: Date.parse(request.expiresAt) };
    const raw = (await this.redis.eval(
      OPEN,
      2,
      this.#key(request.jobId),
      this.#pendingKey(),
      JSON.stringify(state),
      ttlSeconds,
      state.expiresAtMs,
      request.jobId,
    )) as string;
    return parse(raw);
  }

  /** Requests still waiting for a decision and not yet expired (entries long past their expiry are pruned). */
  async countPending(now: Date): Promise<number> {
    const tx = this.redis.multi();
    tx.zremrangebyscore(this.#pendingKey(), '-inf', now.getTime() - 24 * 3600_000);
    tx.zcount(this.#pendingKey(), now.getTime(), '+inf');
    const results = await tx.exec();
    return Number(results?.[1]?.[1] ?? 0);
  }

  /** Requests still pending and not yet expired at `now`, soonest expiry first. */
  async listPending(now: Date): Promise<ApprovalState[]> {
    // Past its time a request is nobody's to decide, whether or not its job has marked it expired yet.
    const ids = await this.redis.zrangebyscore(this.#pendingKey(), `(${now.getTime()}`, '+inf');
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.#key(id)));
    return raws.flatMap((raw) => (raw === null ? [] : [parse(raw)])).filter((s) => s.status === 'pending');
  }

  async get(jobId: string): Promise<ApprovalState | undefined> {
    const raw = await this.redis.get(this.#key(jobId));
    return raw === null ? undefined : parse(raw);
  }

  approve(jobId: string, userId: string, now: Date): Promise<DecisionResult> {
    return this.#decide(jobId, userId, 'approve', '', now);
  }

  reject(jobId: string, userId: string, reason: string | undefined, now: Date): Promise<DecisionResult> {
    return this.#decide(jobId, userId, 'reject', reason ?? '', now);
  }

  async #decide(jobId: string, userId: string, verb: 'approve' | 'reject', reason: string, now: Date): Promise<DecisionResult> {
    const [outcome, raw] = (await this.redis.eval(
      DECIDE,
      2,
      this.#key(jobId),
      this.#pendingKey(),
      userId,
      String(now.getTime()),
      now.toISOString(),
      verb,
      reason,
    )) as [DecisionResult['outcome'], string?];
    if (outcome === 'missing' || raw === undefined) return { outcome: 'missing' };
    return { outcome, state: parse(raw) } as DecisionResult;
  }

  async expireIfDue(jobId: string, now: Date): Promise<ApprovalState | undefined> {
    const raw = (await this.redis.eval(EXPIRE, 2, this.#key(jobId), this.#pendingKey(), String(now.getTime()))) as string | null;
    return raw === null ? undefined : parse(raw);
  }
}
