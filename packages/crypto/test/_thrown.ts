/** What a call throws, for asserting on error types the library checks with `isXxxError` (not `instanceof`). */

/** Runs `fn`; the value it throws, or undefined when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
