/**
 * The canonical byte form of an EncryptionContext (SPEC §2), shared by everything that binds a context to a
 * ciphertext: the KMS server (as AAD of CiphertextBlobs) and `@openkms/envelope` (in its message header). Key order
 * and whitespace of the JSON text do not matter, but `{"ab":"c"}` ≠ `{"a":"bc"}`.
 *
 * Canonical form: nothing (0 bytes) for an absent or empty context; otherwise
 *   u32be(count) ‖ for each pair sorted by key in Unicode code point order: u32be(len k) ‖ UTF-8 k ‖ u32be(len v) ‖ UTF-8 v
 *
 * Runtime-neutral (no `node:` import). Parsing and limits of the API's JSON text stay with the server
 * (`packages/server/src/keys/encryption-context.ts`).
 */

/** True when `s` holds no lone surrogate (it would collapse to U+FFFD in UTF-8). */
export function isWellFormedUnicode(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Compares two strings by Unicode code point (not by UTF-16 unit, which is what `<` does). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * Encode context pairs in the canonical form above.
 * @param pairs key → value, each a string of well-formed Unicode (the caller has checked it: use
 *   {@link isWellFormedUnicode}); order does not matter; keys are distinct by construction
 * @returns the canonical bytes (empty for no pairs)
 */
export function encodeEncryptionContext(pairs: Iterable<readonly [string, string]>): Uint8Array {
  const sorted = [...pairs].sort(([a], [b]) => compareCodePoints(a, b));
  if (sorted.length === 0) return new Uint8Array(0);
  const enc = new TextEncoder();
  const encoded = sorted.map(([k, v]) => [enc.encode(k), enc.encode(v)] as const);
  const total = 4 + encoded.reduce((n, [k, v]) => n + 8 + k.length + v.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, sorted.length);
  let off = 4;
  for (const [k, v] of encoded) {
    dv.setUint32(off, k.length);
    out.set(k, off + 4);
    off += 4 + k.length;
    dv.setUint32(off, v.length);
    out.set(v, off + 4);
    off += 4 + v.length;
  }
  return out;
}

/**
 * Decode the canonical form back into pairs, accepting only the canonical encoding (count ≥ 1, keys strictly
 * increasing in code point order — hence distinct —, valid UTF-8, nothing left over).
 * @param bytes canonical bytes; empty → `[]`
 * @returns the pairs in canonical order, or `undefined` when `bytes` is not a canonical encoding
 */
export function decodeEncryptionContext(bytes: Uint8Array): [string, string][] | undefined {
  if (bytes.length === 0) return [];
  if (bytes.length < 4) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const count = dv.getUint32(0);
  if (count === 0) return undefined;
  const pairs: [string, string][] = [];
  let off = 4;
  const read = (): string | undefined => {
    if (off + 4 > bytes.length) return undefined;
    const n = dv.getUint32(off);
    if (off + 4 + n > bytes.length) return undefined;
    let s: string;
    try {
      s = dec.decode(bytes.subarray(off + 4, off + 4 + n));
    } catch {
      return undefined;
    }
    off += 4 + n;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const k = read();
    if (k === undefined) return undefined;
    const v = read();
    if (v === undefined) return undefined;
    const prev = pairs[pairs.length - 1];
    if (prev && compareCodePoints(prev[0], k) >= 0) return undefined;
    pairs.push([k, v]);
  }
  return off === bytes.length ? pairs : undefined;
}
