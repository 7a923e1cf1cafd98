/**
 * Slow answers, for calls that take long on real Slack. The issue reports user-group look-ups
 * (`usergroups.users.list`) taking up to 2 s; how slow any method gets is assumed, the test sets it.
 */

/** Options of {@link SlackEmulator.slowDown}. */
export interface SlowDownOptions {
  /** Method to slow down; every Web API method when omitted. */
  method?: string;
  /** Extra time before the answer, in ms. */
  ms: number;
  /** How many calls are slowed, default every call until {@link Latency.clear}. */
  times?: number;
}

/** Holds the slow-downs and says, per call, how long to wait first. */
export class Latency {
  private rules: { method?: string; ms: number; remaining: number }[] = [];

  add(options: SlowDownOptions): void {
    this.rules.push({ ...(options.method !== undefined && { method: options.method }), ms: options.ms, remaining: options.times ?? Infinity });
  }

  /** The delay for one call to `method` (consuming one use of the matching rule), or 0. */
  take(method: string): number {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.method === undefined || r.method === method));
    if (!rule) return 0;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.ms;
  }

  clear(): void {
    this.rules = [];
  }
}
