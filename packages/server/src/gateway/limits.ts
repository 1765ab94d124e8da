/**
 * The product gateway's own rate limit, apart from the API's: one token bucket per product token (by token id) and
 * one for the whole gateway, so a product cannot spend the API's quota and a flood of bad tokens is cut off too.
 * Over the limit → HTTP 429 (what Vault answers when a rate-limit quota is hit). Buckets hold one second's worth of
 * requests (burst = rate). MariaDB caches what it reads (key versions for `cache-version-timeout`, 60 s by default;
 * key material until it restarts), so a product asks a few times per key per minute — the default leaves ample room.
 */
import type { Clock } from "../clock.js";
import { TokenBucket } from "../limits/token-bucket.js";

export interface GatewayRateLimits {
  /** false: no limits. */
  enabled: boolean;
  /** Requests per second per token (default {@link DEFAULT_GATEWAY_RATE_PER_TOKEN}). */
  perToken?: number;
  /** Requests per second for the whole gateway (default {@link DEFAULT_GATEWAY_RATE_TOTAL}). */
  total?: number;
}

export const DEFAULT_GATEWAY_RATE_PER_TOKEN = 50;
export const DEFAULT_GATEWAY_RATE_TOTAL = 500;

/** Most per-token buckets kept; beyond it, the oldest are dropped (a dropped bucket starts full again). */
const MAX_BUCKETS = 10_000;

export class GatewayLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly total: TokenBucket | undefined;

  /** @throws RangeError for a rate that is not above 0 */
  constructor(
    private readonly config: GatewayRateLimits,
    private readonly clock: Clock,
  ) {
    for (const [name, v] of [["perToken", config.perToken], ["total", config.total]] as const) {
      if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new RangeError(`gateway rate limit "${name}" must be above 0, got ${v}`);
    }
    const total = config.total ?? DEFAULT_GATEWAY_RATE_TOTAL;
    this.total = config.enabled ? new TokenBucket(total, Math.max(1, total), clock.nowMs()) : undefined;
  }

  /** Count one request of the whole gateway; false when over the limit. */
  takeTotal(): boolean {
    return this.total ? this.total.take(this.clock.nowMs()) : true;
  }

  /** Count one request made with token `tokenId`; false when over the limit. */
  takeToken(tokenId: string): boolean {
    if (!this.config.enabled) return true;
    const now = this.clock.nowMs();
    let bucket = this.buckets.get(tokenId);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      const rate = this.config.perToken ?? DEFAULT_GATEWAY_RATE_PER_TOKEN;
      bucket = new TokenBucket(rate, Math.max(1, rate), now);
      this.buckets.set(tokenId, bucket);
    }
    return bucket.take(now);
  }
}
