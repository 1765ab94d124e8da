/**
 * The product gateway's own rate limits, apart from the API's (token buckets, burst = one second's worth):
 * - per product token (by token id): a product cannot spend more than its share, nor the API's quota;
 * - per source address, for requests whose token is missing, unknown or revoked: a flood of bad tokens from one
 *   address is answered 429 without further work, and cannot starve the products whose tokens are good (their
 *   requests never draw on it).
 * Over a limit → HTTP 429 (what Vault answers when a rate-limit quota is hit). MariaDB caches what it reads (key
 * versions for `cache-version-timeout`, 60 s by default; key material until it restarts), so a product asks a few
 * times per key per minute — the default leaves ample room.
 */
import type { Clock } from "../clock.js";
import { TokenBucket } from "../limits/token-bucket.js";

export interface GatewayRateLimits {
  /** false: no limits. */
  enabled: boolean;
  /** Requests per second per token (default {@link DEFAULT_GATEWAY_RATE_PER_TOKEN}). */
  perToken?: number | undefined;
  /** Refused-token requests per second per source address (default {@link DEFAULT_GATEWAY_REFUSALS_PER_ADDRESS}). */
  refusalsPerAddress?: number | undefined;
}

export const DEFAULT_GATEWAY_RATE_PER_TOKEN = 50;
export const DEFAULT_GATEWAY_REFUSALS_PER_ADDRESS = 10;

/** Most buckets kept per kind; beyond it, the oldest are dropped (a dropped bucket starts full again). */
const MAX_BUCKETS = 10_000;

class Buckets {
  private readonly map = new Map<string, TokenBucket>();
  constructor(private readonly rate: number) {}
  get(id: string, nowMs: number): TokenBucket {
    let bucket = this.map.get(id);
    if (!bucket) {
      if (this.map.size >= MAX_BUCKETS) this.map.delete(this.map.keys().next().value!);
      bucket = new TokenBucket(this.rate, Math.max(1, this.rate), nowMs);
      this.map.set(id, bucket);
    }
    return bucket;
  }
  peek(id: string): TokenBucket | undefined {
    return this.map.get(id);
  }
}

export class GatewayLimiter {
  private readonly tokens: Buckets;
  private readonly refusals: Buckets;

  /** @throws RangeError for a rate that is not above 0 */
  constructor(
    private readonly config: GatewayRateLimits,
    private readonly clock: Clock,
  ) {
    for (const [name, v] of [["perToken", config.perToken], ["refusalsPerAddress", config.refusalsPerAddress]] as const) {
      if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new RangeError(`gateway rate limit "${name}" must be above 0, got ${v}`);
    }
    this.tokens = new Buckets(config.perToken ?? DEFAULT_GATEWAY_RATE_PER_TOKEN);
    this.refusals = new Buckets(config.refusalsPerAddress ?? DEFAULT_GATEWAY_REFUSALS_PER_ADDRESS);
  }

  /** Count one request made with good token `tokenId`; false when over its limit. */
  takeToken(tokenId: string): boolean {
    return this.config.enabled ? this.tokens.get(tokenId, this.clock.nowMs()).take(this.clock.nowMs()) : true;
  }

  /** Has `address` used up its refusals for now? (Checked before a token is looked at; spends nothing.) */
  refusing(address: string): boolean {
    if (!this.config.enabled) return false;
    const bucket = this.refusals.peek(address);
    return bucket !== undefined && !bucket.available(this.clock.nowMs());
  }

  /** Count one refused token from `address`. */
  refused(address: string): void {
    if (this.config.enabled) this.refusals.get(address, this.clock.nowMs()).take(this.clock.nowMs());
  }
}
