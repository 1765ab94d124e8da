/** Joining byte arrays: frames' chunks, a ciphertext and its tag, a message's parts. */

/**
 * The bytes of `parts` and then `extra`, in one new array (always a copy: the caller may zero or keep it).
 * @returns a Uint8Array of the parts' total length
 */
export function concatBytes(parts: readonly Uint8Array[], extra?: Uint8Array): Uint8Array {
  let n = extra?.length ?? 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  if (extra) out.set(extra, off);
  return out;
}

/**
 * As {@link concatBytes}, but a single part with no `extra` is returned as it is (no copy): for bytes that are only
 * read (a cipher's input).
 */
export function joinBytes(parts: readonly Uint8Array[], extra?: Uint8Array): Uint8Array {
  return parts.length === 1 && !extra ? parts[0]! : concatBytes(parts, extra);
}
