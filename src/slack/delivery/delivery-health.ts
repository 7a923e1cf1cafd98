import type { Redis } from 'ioredis';
import { defaultKeyPrefix } from '../../queue/names.ts';
import type { ReadinessCheck } from '../../runtime/readiness.ts';

/** Why the outbox stopped sending: Slack refused the bot's token (or a scope it needs). */
export interface SlackHalt {
  /** Slack's error code: `token_revoked`, `invalid_auth`, `account_inactive`, `missing_scope`, … */
  reason: string;
  /** Epoch ms. */
  since: number;
  /** For `missing_scope`: the scope Slack asked for. */
  needed?: string;
}

/**
 * The "Slack token is dead" state, in Redis so every worker stops together and every process's
 * readiness reports it. Set by the outbox on a halting error; cleared by the one worker whose
 * probe (auth.test) finds the token working again.
 */
export class SlackHaltState {
  readonly #redis: Redis;
  readonly #haltKey: string;
  readonly #probeKey: string;
  /** Keys `<prefix>:slack:halt` and `<prefix>:slack:halt:probe`, under the install's prefix. */
  constructor(redis: Redis, prefix = defaultKeyPrefix) {
    this.#redis = redis;
    this.#haltKey = `${prefix}:slack:halt`;
    this.#probeKey = `${prefix}:slack:halt:probe`;
  }

  async current(): Promise<SlackHalt | undefined> {
    const h = await this.#redis.hgetall(this.#haltKey);
    if (!h.reason) return undefined;
    return { reason: h.reason, since: Number(h.since), ...(h.needed && { needed: h.needed }) };
  }

  /**
   * Records the halt; true when this call started it (so it is logged once). The first probe
   * comes a full interval later: the token that was just refused is not asked about at once.
   */
  async halt(reason: string, probeAfterMs: number, needed?: string): Promise<boolean> {
    const started = await this.#redis.hsetnx(this.#haltKey, 'reason', reason);
    if (started) {
      await this.#redis.hset(this.#haltKey, { since: Date.now(), ...(needed && { needed }) });
      await this.#redis.set(this.#probeKey, '1', 'PX', probeAfterMs);
    }
    return started === 1;
  }

  async resume(): Promise<void> {
    await this.#redis.del(this.#haltKey, this.#probeKey);
  }

  /** One worker probes per interval: true for the worker that may call auth.test now. */
  async claimProbe(intervalMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#probeKey, '1', 'PX', intervalMs, 'NX')) === 'OK';
  }
}

/**
 * Readiness of Slack delivery: failing while the outbox is halted on a dead token, with the
 * reason and what to do. For the runtime's `/readyz` (wired in the composition root).
 */
export function slackDeliveryCheck(redis: Redis, prefix = defaultKeyPrefix): ReadinessCheck {
  const state = new SlackHaltState(redis, prefix);
  return {
    name: 'slack-delivery',
    async check() {
      // Not known while Redis is away; said at once rather than after the probe's deadline.
      if (redis.status !== 'ready') return { ok: false, detail: `unknown: the halt state is in Redis, which is not connected (${redis.status})` };
      const halt = await state.current();
      if (!halt) return { ok: true };
      const fix =
        halt.reason === 'missing_scope'
          ? `add the ${halt.needed ?? 'missing'} scope to the Slack app and reinstall it`
          : 'reinstall the Slack app or set a working SLACK_BOT_TOKEN';
      return {
        ok: false,
        detail: `Slack refused the bot token (${halt.reason}) since ${new Date(halt.since).toISOString()}: nothing is sent, everything stays queued; ${fix}.`,
      };
    },
  };
}
