/** Lowercase hex of bytes, for cache keys (one table lookup per byte: this runs for every cached message). */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** `b` as lowercase hex, 2 characters per byte. */
export function hex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!]!;
  return s;
}
