/**
 * `trigger_id` lifetimes. Slack issues a trigger with every interaction payload; it "expire[s]
 * in three seconds" and "may only be used once"
 * (docs.slack.dev/interactivity/handling-user-interaction, "Modal responses"); `views.open`
 * then answers `expired_trigger_id` / `exchanged_trigger_id`, and `invalid_trigger_id` for one
 * Slack never issued (slack-ruby/slack-api-ref docs.slack.dev/methods/views.open.json, errors).
 * Tests get triggers from {@link TriggerClock.issue} (`SlackEmulator.issueTrigger`).
 */
import { randomBytes, randomInt } from 'node:crypto';

/** How long a trigger can open a view, in ms (docs: "three seconds"). */
export const TRIGGER_TTL_MS = 3000;

function digits(n: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < n) out += String(randomInt(0, 10));
  return out;
}

/** When each trigger handed out through the emulator was issued. */
export class TriggerClock {
  private readonly issuedAt = new Map<string, number>();

  /** Records `id` (or a new Slack-shaped id) as issued now; an id already issued keeps its time. */
  issue(id: string = `${digits(12)}.${digits(11)}.${randomBytes(16).toString('hex')}`): string {
    if (!this.issuedAt.has(id)) this.issuedAt.set(id, Date.now());
    return id;
  }

  /** Makes `id` as old as if it had been issued `ms` earlier (tests of slow handlers). */
  age(id: string, ms: number): void {
    const at = this.issuedAt.get(id);
    if (at !== undefined) this.issuedAt.set(id, at - ms);
  }

  /** What `views.open` answers for `id` now: `invalid_trigger_id` (never issued), `expired_trigger_id`, or nothing (fresh). */
  refusal(id: string, now: number = Date.now()): 'invalid_trigger_id' | 'expired_trigger_id' | undefined {
    const at = this.issuedAt.get(id);
    if (at === undefined) return 'invalid_trigger_id';
    return now - at > TRIGGER_TTL_MS ? 'expired_trigger_id' : undefined;
  }

  clear(): void {
    this.issuedAt.clear();
  }
}
