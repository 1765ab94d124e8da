/**
 * The product gateway's own rate limits, apart from the API's (token buckets, burst = one second's worth):
 * - per product token (by token id): a product cannot spend more than its share, nor the API's quota;
 * - per source address, for requests whose token is missing, unknown or revoked: a flood of bad tokens from one
 *   address is answered 429 without further work, and cannot starve the products whose tokens are good (their
 *   requests never draw on it). Those 429s are audited in bounded space, as the API's unauthenticated floods are
 *   (limits/auth-failures.ts, which this uses): the first of an address's interval (10 s) gets its own record, the
 *   rest one summary record (`action` {@link GatewayAction.Refused}, `code` RequestLimitExceeded, `count`).
 * Over a limit → HTTP 429 (what Vault answers when a rate-limit quota is hit). MariaDB caches what it reads (key
 * versions for `cache-version-timeout`, 60 s by default; key material until it restarts), so a product asks a few
 * times per key per minute — the default leaves ample room.
 */
import type { AuditEvent } from "../audit/record.js";
import type { Clock } from "../clock.js";
import { AuthFailureLimiter, DEFAULT_AUTH_FAILURE_LIMITS } from "../limits/auth-failures.js";
import { TokenBucket } from "../limits/token-bucket.js";
import { GatewayAction } from "./gateway-audit.js";

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

/** Most token buckets kept; beyond it, the oldest are dropped (a dropped bucket starts full again). */
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
}

export class GatewayLimiter {
  private readonly tokens: Buckets;
  /** Refused tokens per source address, and the summaries of their 429s; undefined when the limits are off. */
  private readonly refusals: AuthFailureLimiter | undefined;

  /**
   * @param writeSummary appends a summary record of refusals (the audit sink); failures are reported to `onError`
   * @throws RangeError for a rate that is not above 0
   */
  constructor(
    private readonly config: GatewayRateLimits,
    private readonly clock: Clock,
    writeSummary: (event: AuditEvent) => Promise<void>,
    onError: (e: unknown) => void = () => {},
  ) {
    for (const [name, v] of [["perToken", config.perToken], ["refusalsPerAddress", config.refusalsPerAddress]] as const) {
      if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new RangeError(`gateway rate limit "${name}" must be above 0, got ${v}`);
    }
    this.tokens = new Buckets(config.perToken ?? DEFAULT_GATEWAY_RATE_PER_TOKEN);
    const perSecond = config.refusalsPerAddress ?? DEFAULT_GATEWAY_REFUSALS_PER_ADDRESS;
    this.refusals = config.enabled
      ? new AuthFailureLimiter({ ...DEFAULT_AUTH_FAILURE_LIMITS, perSecond, burst: Math.max(1, perSecond) }, clock, writeSummary, onError, GatewayAction.Refused)
      : undefined;
  }

  /** Count one request made with good token `tokenId`; false when over its limit. */
  takeToken(tokenId: string): boolean {
    return this.config.enabled ? this.tokens.get(tokenId, this.clock.nowMs()).take(this.clock.nowMs()) : true;
  }

  /** Has `address` used up its refusals for now? (Checked before a token is looked at; spends nothing.) */
  refusing(address: string): boolean {
    return this.refusals?.throttled(address) ?? false;
  }

  /** Count one refused token from `address`. */
  refused(address: string): void {
    this.refusals?.failed(address);
  }

  /**
   * A request from an address that is {@link refusing} was answered 429: should its record be written now (the
   * first of the address's interval), or is it counted into that interval's summary record?
   */
  recordRefusal(address: string): "write" | "counted" {
    return this.refusals?.recordRefusal(address) ?? "write";
  }

  /** Stop the summary timer and write every pending summary. */
  async close(): Promise<void> {
    await this.refusals?.close();
  }
}
