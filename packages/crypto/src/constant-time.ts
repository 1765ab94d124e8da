/**
 * Compare two byte strings in time that depends only on their lengths (every byte is XOR-accumulated; no early exit).
 * @returns true when both have the same length and the same bytes
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Compare two strings (e.g. hex MACs) in time that depends only on their lengths (every UTF-16 code unit
 * XOR-accumulated; no early exit), without encoding them first.
 * @returns true when both have the same length and the same code units
 */
export function constantTimeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Overwrite `buffers` with zeros (best effort: the platform may have copied them before). */
export function wipe(...buffers: (Uint8Array | undefined | null)[]): void {
  for (const b of buffers) b?.fill(0);
}
