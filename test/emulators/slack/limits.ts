/**
 * Slack's own rate limits, as token buckets (docs.slack.dev/apis/web-api/rate-limits):
 * - posting: "chat.postMessage generally allows posting one message per second per channel";
 *   "Posting messages: 1 per second. Short bursts >1 allowed." Slack publishes no burst size:
 *   10 is assumed. Messages created by `files.completeUploadExternal` count too (assumed).
 * - per-method tiers, "per API method per app per workspace": Tier 3 "50+ per minute … Sporadic
 *   bursts are welcome" (`chat.update`, `conversations.history`, `conversations.replies`, per the
 *   method pages). A burst of one minute's allowance is assumed.
 * Going over answers HTTP 429 with `Retry-After` in whole seconds, until a token is back.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: how many calls may go at once after a quiet spell. */
  burst: number;
}

/** Options of the emulated limits; `false` turns one (or all) off. */
export interface SlackLimitsOptions {
  /** Messages per channel. */
  postPerChannel?: BucketSpec | false;
  /** Per-method limits for the workspace, by method name. */
  methods?: Readonly<Record<string, BucketSpec>> | false;
}

const tier3: BucketSpec = { perSecond: 50 / 60, burst: 50 };

export const defaultLimits: Required<SlackLimitsOptions> = {
  postPerChannel: { perSecond: 1, burst: 10 },
  methods: { 'chat.update': tier3, 'conversations.history': tier3, 'conversations.replies': tier3 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets keyed by scope (`post:C123`, `method:chat.update`). */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly options: Required<SlackLimitsOptions>;

  constructor(options: SlackLimitsOptions | false = {}) {
    this.options = options === false ? { postPerChannel: false, methods: false } : { ...defaultLimits, ...options };
  }

  /** Takes a token for the method's limit; returns the seconds to wait when there is none. */
  takeMethod(method: string, now = Date.now()): number | undefined {
    const spec = this.options.methods === false ? undefined : this.options.methods[method];
    return spec ? this.take(`method:${method}`, spec, now) : undefined;
  }

  /** Takes a token for posting a message in `channel`. */
  takePost(channel: string, now = Date.now()): number | undefined {
    const spec = this.options.postPerChannel;
    return spec ? this.take(`post:${channel}`, spec, now) : undefined;
  }

  /** Gives back a token taken for a call that was refused for another reason (nothing was posted). */
  refundPost(channel: string): void {
    const bucket = this.buckets.get(`post:${channel}`);
    const spec = this.options.postPerChannel;
    if (bucket && spec) bucket.tokens = Math.min(spec.burst, bucket.tokens + 1);
  }

  clear(): void {
    this.buckets.clear();
  }

  private take(key: string, spec: BucketSpec, now: number): number | undefined {
    const bucket = this.buckets.get(key) ?? { tokens: spec.burst, at: now };
    bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * spec.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / spec.perSecond));
  }
}
