/** Time source, injectable so tests can move it. All KMS times are Unix seconds. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Current Unix time in whole seconds. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}

/**
 * A clock that moves only when told: for tests and for embedders that drive time themselves (the scheduler, token
 * expiry and rate limits all read the server's clock).
 */
export class ManualClock implements Clock {
  /** @param ms start time in milliseconds since the Unix epoch (default: now) */
  constructor(public ms: number = Date.now()) {}
  nowMs(): number {
    return this.ms;
  }
  /** Move forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }
}
