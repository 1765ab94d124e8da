import { timingSafeEqual } from "node:crypto";

/**
 * Compare two byte strings in time that depends only on their lengths.
 * @returns true when both have the same length and the same bytes
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** Overwrite `buffers` with zeros (best effort: the platform may have copied them before). */
export function wipe(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) b?.fill(0);
}
