/**
 * A clock tests move. The server reads it through its injected `Clock`; the official SDK signs each request with the
 * process's `Date` and the server refuses a signature more than 5 minutes off its own clock, so moving this clock
 * moves `Date` too (vitest's fake Date, real timers): client and server agree, as two machines with synchronised
 * clocks would after the time passed. Call `restore()` when done (afterAll).
 */
import { vi } from "vitest";
import type { Clock } from "../src/index.js";

export interface TestClock extends Clock {
  /** Unix seconds now. */
  now(): number;
  /** Move time forward by `seconds`. */
  advance(seconds: number): void;
  /** Back to the real Date. */
  restore(): void;
}

export const DAY = 86400;

export function testClock(): TestClock {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  return {
    nowMs: () => Date.now(),
    now: () => Math.floor(Date.now() / 1000),
    advance(seconds) {
      vi.setSystemTime(Date.now() + seconds * 1000);
    },
    restore() {
      vi.useRealTimers();
    },
  };
}
