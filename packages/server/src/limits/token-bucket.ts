/**
 * A token bucket: holds at most `capacity` tokens, gains `ratePerSecond` tokens per second (continuously, from the
 * injected clock), and each request takes one. With capacity = rate, a caller may burst one second's worth of
 * requests and then sustain `ratePerSecond`.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  /**
   * @param ratePerSecond tokens added per second, > 0
   * @param capacity most tokens held (burst size), ≥ 1; the bucket starts full
   * @param nowMs current time in milliseconds
   * @throws RangeError for a non-positive rate or a capacity below 1
   */
  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    nowMs: number,
  ) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`"ratePerSecond" expected a positive number, got ${ratePerSecond}`);
    if (!(capacity >= 1) || !Number.isFinite(capacity)) throw new RangeError(`"capacity" expected a number ≥ 1, got ${capacity}`);
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  /**
   * Take one token if there is one.
   * @param nowMs current time in milliseconds (a clock that goes backwards adds nothing)
   * @returns true when the request may proceed
   */
  take(nowMs: number): boolean {
    if (!this.available(nowMs)) return false;
    this.tokens -= 1;
    return true;
  }

  /** Is there a token now? (Takes none.) */
  available(nowMs: number): boolean {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastMs) * this.ratePerSecond) / 1000);
      this.lastMs = nowMs;
    }
    return this.tokens >= 1;
  }

  /** Is the bucket full (nothing taken that has not grown back)? */
  full(nowMs: number): boolean {
    this.available(nowMs);
    return this.tokens >= this.capacity;
  }
}
