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
