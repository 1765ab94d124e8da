/**
 * Unauthenticated floods: a source address that keeps failing authentication (wrong SecretKey, unknown SecretId,
 * garbage `Authorization`, expired timestamps) is throttled before any signature work — every request from it is
 * answered `RequestLimitExceeded` until its failure bucket grows back — and the audit log records those refusals in
 * bounded space: the first refusal of an address in each interval gets its own record (committed before its response,
 * as always), the rest of that interval one summary record per address, with the count (audit/record.ts `count`).
 *
 * Each address has a token bucket of failures ({@link AuthFailureLimits}); a failed authentication takes a token,
 * an address with none left is throttled. Successes take nothing. State is in memory, per process, bounded by
 * {@link MAX_TRACKED_ADDRESSES} (addresses whose bucket has grown back are forgotten first).
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import type { AuditEvent } from "../audit/record.js";
import { TokenBucket } from "./token-bucket.js";

export interface AuthFailureLimits {
  /** Failed authentications an address may make at once (default 100). */
  burst: number;
  /** Failed authentications per second an address regains (default 10). */
  perSecond: number;
  /** Length of one summary interval in ms (default 10 000). */
  summaryIntervalMs: number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = { burst: 100, perSecond: 10, summaryIntervalMs: 10_000 };

/** Most addresses tracked at once; beyond it, recovered addresses are forgotten, then the oldest. */
export const MAX_TRACKED_ADDRESSES = 10_000;

interface Summary {
  /** When the interval's first refusal was (Unix ms) — that one has its own record. */
  startMs: number;
  /** Refusals after the first, not yet recorded. */
  count: number;
}

export class AuthFailureLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly summaries = new Map<string, Summary>();
  private readonly timer: NodeJS.Timeout;

  /**
   * @param write appends a summary record (the audit sink); failures are reported to `onError`
   * @param summaryAction the `action` of summary records ("" for the API's; the product gateway's own)
   */
  constructor(
    readonly limits: AuthFailureLimits,
    private readonly clock: Clock,
    private readonly write: (event: AuditEvent) => Promise<void>,
    private readonly onError: (e: unknown) => void = () => {},
    private readonly summaryAction = "",
  ) {
    this.timer = setInterval(() => void this.flush(false), Math.max(100, limits.summaryIntervalMs));
    this.timer.unref();
  }

  /** Is `address` throttled now (its failure bucket empty)? Takes nothing. */
  throttled(address: string): boolean {
    const b = this.buckets.get(address);
    return b !== undefined && !b.available(this.clock.nowMs());
  }

  /** Count one failed authentication from `address`. */
  failed(address: string): void {
    const now = this.clock.nowMs();
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.forget(now);
      b = new TokenBucket(this.limits.perSecond, this.limits.burst, now);
      this.buckets.set(address, b);
    }
    b.take(now);
  }

  /**
   * A throttled request was refused: should its record be written now (the first of its address's interval), or is
   * it counted into that interval's summary?
   */
  recordRefusal(address: string): "write" | "counted" {
    const now = this.clock.nowMs();
    const s = this.summaries.get(address);
    if (s && now - s.startMs < this.limits.summaryIntervalMs) {
      s.count++;
      return "counted";
    }
    if (s && s.count > 0) void this.writeSummary(address, s);
    this.summaries.set(address, { startMs: now, count: 0 });
    return "write";
  }

  /** Write the summaries of intervals that have ended (all of them when `all`); resolves when they are written. */
  async flush(all: boolean): Promise<void> {
    const now = this.clock.nowMs();
    const writes: Promise<void>[] = [];
    for (const [address, s] of this.summaries) {
      if (!all && now - s.startMs < this.limits.summaryIntervalMs) continue;
      this.summaries.delete(address);
      if (s.count > 0) writes.push(this.writeSummary(address, s));
    }
    await Promise.all(writes);
  }

  /** Stop the timer and write every pending summary. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  private async writeSummary(address: string, s: Summary): Promise<void> {
    const count = s.count;
    s.count = 0;
    try {
      await this.write({
        time: s.startMs, requestId: randomUUID(), action: this.summaryAction, secretId: "", uin: "", ownerUin: "", sourceAddress: address,
        keyIds: [], code: "RequestLimitExceeded", latencyMs: 0, count,
      });
    } catch (e) {
      this.onError(e);
    }
  }

  /** Make room: forget addresses whose bucket grew back; if none did, the oldest tracked. */
  private forget(now: number): void {
    for (const [address, b] of this.buckets) if (b.full(now)) this.buckets.delete(address);
    if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
