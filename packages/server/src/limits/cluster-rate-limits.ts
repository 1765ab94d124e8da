/**
 * Rate limits for a cluster: the token buckets (one per account and limit group, rate-limits.ts) live in the shared
 * store, and each node leases a few tokens at a time from them ({@link TokenLeaseSource}: one atomic read-modify-write
 * in the database), spending them locally. So the configured rate is what the whole cluster accepts, not each node.
 *
 * A lease is at most {@link leaseSize}(rate) tokens (1 below 200/s, rate/100 above) and is dropped after
 * {@link LEASE_MS} unspent, so tokens a node holds cannot pile up: over any period the cluster accepts at most
 * rate × seconds + capacity (the burst) + nodes × lease. After the shared bucket said "empty", a node refuses at once
 * for the time one token takes to refill instead of asking again for every request.
 */
import type { Clock } from "../clock.js";
import { groupRate, limitGroup, type RateLimitConfig, type RequestLimiter } from "./rate-limits.js";

/**
 * Take up to `want` whole tokens from the shared bucket `bucket` (created full when missing), which refills at
 * `ratePerSecond` up to `capacity`, at time `nowMs`.
 * @returns how many were granted (0 when empty); rejects when the store cannot be reached
 */
export type TokenLeaseSource = (bucket: string, want: number, ratePerSecond: number, capacity: number, nowMs: number) => Promise<number>;

/** How long leased tokens may be spent (ms). */
export const LEASE_MS = 250;

/** Tokens leased at once for a group of `rate` requests per second. */
export const leaseSize = (rate: number) => Math.max(1, Math.floor(rate / 100));

interface Lease {
  tokens: number;
  expiresMs: number;
  emptyUntilMs: number;
  fetching: Promise<void> | undefined;
}

export class ClusterRateLimiter implements RequestLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    readonly config: RateLimitConfig,
    private readonly clock: Clock,
    private readonly source: TokenLeaseSource,
  ) {}

  take(ownerUin: string, action: string): boolean | Promise<boolean> {
    if (!this.config.enabled) return true;
    const group = limitGroup(action);
    const bucket = `${ownerUin}:${group}`;
    let lease = this.leases.get(bucket);
    if (!lease) {
      lease = { tokens: 0, expiresMs: 0, emptyUntilMs: 0, fetching: undefined };
      this.leases.set(bucket, lease);
    }
    return this.spend(bucket, group, lease);
  }

  private spendLocal(lease: Lease, now: number): boolean {
    if (lease.tokens >= 1 && now < lease.expiresMs) {
      lease.tokens--;
      return true;
    }
    return false;
  }

  private async spend(bucket: string, group: string, lease: Lease): Promise<boolean> {
    const rate = groupRate(group, this.config.rates);
    for (;;) {
      const now = this.clock.nowMs();
      if (this.spendLocal(lease, now)) return true;
      if (now < lease.emptyUntilMs) return false;
      if (lease.fetching) {
        await lease.fetching;
        continue;
      }
      let granted = 0;
      lease.fetching = this.source(bucket, leaseSize(rate), rate, Math.max(1, rate), now).then(
        (g) => {
          granted = g;
          const at = this.clock.nowMs();
          lease.tokens = g;
          lease.expiresMs = at + LEASE_MS;
          if (g === 0) lease.emptyUntilMs = at + 1000 / rate;
        },
      ).finally(() => {
        lease.fetching = undefined;
      });
      await lease.fetching;
      if (granted === 0) return false;
    }
  }
}
