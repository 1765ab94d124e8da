/**
 * Capped exponential backoff with full jitter: before retry n (n = 1 for the first retry) wait a uniformly random
 * time in [0, min(maxDelayMs, baseDelayMs · 2^(n−1))) milliseconds. The first delay is at most 100 ms by default, as
 * in Tencent's backoff guide; full jitter spreads the retries of many throttled callers over the whole window
 * instead of synchronising them.
 */

export interface RetryOptions {
  /** Most attempts in all, the first included (≥ 1; 1 = no retry). Default 5. */
  maxAttempts: number;
  /** Upper bound of the first delay, ms. Default 100. */
  baseDelayMs: number;
  /** Cap on any delay, ms. Default 5000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000 });

/**
 * Check and complete retry options.
 * @throws RangeError for maxAttempts < 1 or not an integer, a negative or non-finite delay, or maxDelayMs < baseDelayMs
 */
export function retryOptions(partial: Partial<RetryOptions> = {}): RetryOptions {
  const o = { ...DEFAULT_RETRY, ...partial };
  if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) throw new RangeError(`"maxAttempts" expected an integer ≥ 1, got ${o.maxAttempts}`);
  if (!(o.baseDelayMs >= 0) || !Number.isFinite(o.baseDelayMs)) throw new RangeError(`"baseDelayMs" expected ≥ 0 ms, got ${o.baseDelayMs}`);
  if (!(o.maxDelayMs >= o.baseDelayMs) || !Number.isFinite(o.maxDelayMs)) {
    throw new RangeError(`"maxDelayMs" expected ≥ baseDelayMs (${o.baseDelayMs}) ms, got ${o.maxDelayMs}`);
  }
  return o;
}

/**
 * The delay before retry `retry` (1-based).
 * @param random uniform in [0, 1)
 * @returns milliseconds in [0, min(maxDelayMs, baseDelayMs · 2^(retry−1)))
 */
export function backoffDelay(retry: number, o: RetryOptions, random: () => number): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * ceiling);
}

/** Wait `ms` on a timer; reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
