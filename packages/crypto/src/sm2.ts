/**
 * SM2 public-key cryptography on the recommended 256-bit curve (GB/T 32918.1–.5-2016 / GM/T 0003-2012):
 * key generation, the user hash Z_A, the SM2 digital signature (SM2DSA, GB/T 32918.2) over a RAW message or a
 * 32-byte digest e, and public-key encryption (GB/T 32918.4) in C1C3C2 order, as GM/T 0009-2012 ASN.1 or raw.
 *
 * Curve arithmetic comes from `@noble/curves` (short Weierstrass, projective, constant-time `multiply` for secret
 * scalars); hashing is this package's SM3 (GB/T 32905-2016, `./sm3`: the WASM core or OpenSSL per `./backend`).
 * Signatures are random-k, as the standard requires.
 *
 * Shapes (bytes): secret key 32 (scalar d, 1 ≤ d ≤ n−2), public key 65 (0x04 ‖ x ‖ y), digest e 32,
 * signature DER ≤ 72 (SEQUENCE{INTEGER r, INTEGER s}) or 64 as r ‖ s, ciphertext overhead 96 raw
 * (C1 x ‖ y 64 + C3 32) or ≤ 107 + DER length bytes of C2 as ASN.1.
 *
 * Errors: wrong types/lengths → `TypeError`/`RangeError`; an invalid key (out of range, not on the curve) →
 * `InvalidKeyError` (code `INVALID_KEY`); any bad ciphertext → `DecryptionError` (code `DECRYPTION_FAILED`), one
 * message for every cause. `verify*` return `false` for every bad signature (including non-DER) and never throw for it.
 *
 * Not Node's built-in SM2 signing: that one uses an empty user ID, which is not what GB/T 32918.2 / GM/T 0009
 * users (and `openssl dgst -sm3 -sigopt distid:1234567812345678`) expect.
 */
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { abytes } from "./_validate.js";
import { DerError, DerReader, TAG, integer, octetString, parseRsSignature, readSequence, sequence } from "./_der.js";
import { DecryptionError, InvalidKeyError } from "./_errors.js";
import { constantTimeEqual, wipe } from "./constant-time.js";
import { createSm3 } from "./sm3.js";
import { curve, Point } from "./_sm2-curve.js";

export { DecryptionError, InvalidKeyError, isDecryptionError, isInvalidKeyError } from "./_errors.js";

export { curve, Point } from "./_sm2-curve.js";

type P = WeierstrassPoint<bigint>;
const Fn = Point.Fn;
const G = Point.BASE;

/** SM2 byte lengths. `signature` is r ‖ s; `signatureDer` is the maximum DER length. */
export const lengths = Object.freeze({
  secretKey: 32,
  publicKey: 65,
  digest: 32,
  signature: 64,
  signatureDer: 72,
  c1: 64,
  c3: 32,
  /** Bytes a raw C1C3C2 ciphertext adds to the plaintext (C1 64 + C3 32). */
  rawOverhead: 96,
});

/** Default signer ID, ASCII (GM/T 0009-2012; 16 bytes, so ENTL = 0x0080). Used when no `id` is given. */
export const DEFAULT_ID = "1234567812345678";
const DEFAULT_ID_BYTES = new TextEncoder().encode(DEFAULT_ID);

/** How an SM2 ciphertext is laid out: GM/T 0009 ASN.1 SEQUENCE, or raw C1(x ‖ y, no 0x04) ‖ C3 ‖ C2. */
export type Sm2CiphertextFormat = "C1C3C2_ASN1" | "C1C3C2";

const FIELD_BYTES = 32;

/** SM3 (GB/T 32905-2016) of the concatenation of `parts`, on this package's SM3 (WASM core or OpenSSL). */
function sm3(...parts: Uint8Array[]): Uint8Array {
  const h = createSm3();
  for (const p of parts) h.update(p);
  return h.digest();
}

const be = (x: bigint): Uint8Array => numberToBytesBE(x, FIELD_BYTES);

/** Uniform scalar in [1, max] by rejection sampling of 32 random bytes (n ≈ 2^256, so ~never loops). */
function randomScalar(max: bigint): bigint {
  const buf = new Uint8Array(FIELD_BYTES);
  try {
    for (;;) {
      globalThis.crypto.getRandomValues(buf);
      const k = bytesToNumberBE(buf);
      if (k >= 1n && k <= max) return k;
    }
  } finally {
    wipe(buf);
  }
}

function secretScalar(secretKey: Uint8Array): bigint {
  abytes(secretKey, lengths.secretKey, "secretKey");
  const d = bytesToNumberBE(secretKey);
  // GB/T 32918.1 §6.1: d ∈ [1, n−2] (1 + d must be invertible mod n for signing).
  if (d < 1n || d > curve.n - 2n) throw new InvalidKeyError("SM2 secret key out of range [1, n-2]");
  return d;
}

function publicPoint(publicKey: Uint8Array): P {
  abytes(publicKey, lengths.publicKey, "publicKey");
  if (publicKey[0] !== 0x04) throw new InvalidKeyError("SM2 public key must be uncompressed (0x04 ‖ x ‖ y)");
  try {
    const pt = Point.fromBytes(publicKey); // checks x, y < p and the curve equation (GB/T 32918.1 §6.2.1)
    pt.assertValidity();
    if (pt.is0()) throw new Error("infinity");
    return pt;
  } catch {
    throw new InvalidKeyError("SM2 public key is not a point on the curve");
  }
}

/** Uncompressed encoding 0x04 ‖ x ‖ y of a point. */
const encodePoint = (pt: P): Uint8Array => pt.toBytes(false);

/**
 * A new random key pair.
 * @returns `secretKey` 32 B (d ∈ [1, n−2], GB/T 32918.1 §6.1), `publicKey` 65 B (0x04 ‖ x ‖ y of [d]G)
 */
export function generateKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const d = randomScalar(curve.n - 2n);
  return { secretKey: be(d), publicKey: encodePoint(G.multiply(d)) };
}

/**
 * The public key of a secret key.
 * @param secretKey 32 B
 * @returns 65 B, 0x04 ‖ x ‖ y
 * @throws InvalidKeyError when d ∉ [1, n−2]
 */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  return encodePoint(G.multiply(secretScalar(secretKey)));
}

/**
 * Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A), GB/T 32918.2-2016 §5.5.
 * @param publicKey 65 B
 * @param id signer ID, at most 8191 bytes (ENTL is a 16-bit bit length); default {@link DEFAULT_ID}
 * @returns 32 B
 */
export function za(publicKey: Uint8Array, id: Uint8Array = DEFAULT_ID_BYTES): Uint8Array {
  abytes(id, undefined, "id");
  if (id.length > 8191) throw new RangeError(`"id" expected at most 8191 bytes, got ${id.length}`);
  const pt = publicPoint(publicKey);
  const entl = Uint8Array.of((id.length * 8) >> 8, (id.length * 8) & 0xff);
  return sm3(entl, id, be(curve.a), be(curve.b), be(curve.Gx), be(curve.Gy), be(pt.x), be(pt.y));
}

/**
 * The value signed for a RAW message: e = SM3(Z_A ‖ M), GB/T 32918.2-2016 §6.1 steps A1–A2.
 * This is what a DIGEST-mode caller passes to {@link signDigest} / {@link verifyDigest}.
 * @param publicKey 65 B, the signer's public key
 * @param message any length
 * @param id default {@link DEFAULT_ID}
 * @returns 32 B
 */
export function digest(publicKey: Uint8Array, message: Uint8Array, id: Uint8Array = DEFAULT_ID_BYTES): Uint8Array {
  abytes(message, undefined, "message");
  return sm3(za(publicKey, id), message);
}

/** Options for signing. */
export interface Sm2SignOptions {
  /** Signer ID for Z_A; default {@link DEFAULT_ID}. Only for {@link sign} (RAW). */
  id?: Uint8Array;
  /**
   * Fixed ephemeral scalar k (32 B), for known-answer tests ONLY. Reusing a k, or a predictable one, reveals the
   * secret key. Production callers never pass it.
   */
  k?: Uint8Array;
}

/**
 * The per-operation random k ∈ [1, n−1] (GB/T 32918.2 A3, 32918.4 A1): fresh from the CSPRNG, or the given 32 bytes
 * (known-answer tests only).
 * @throws RangeError when a given k is not 32 bytes or not in [1, n−1]
 */
function ephemeralScalar(given: Uint8Array | undefined): bigint {
  if (given === undefined) return randomScalar(curve.n - 1n);
  abytes(given, 32, "k");
  const k = bytesToNumberBE(given);
  if (k < 1n || k >= curve.n) throw new RangeError('"k" out of range [1, n-1]');
  return k;
}

/**
 * SM2DSA over a 32-byte e (DIGEST mode), GB/T 32918.2-2016 §6.1 steps A3–A7.
 * @param secretKey 32 B
 * @param e 32 B, normally SM3(Z_A ‖ M) from {@link digest}
 * @returns DER SEQUENCE{INTEGER r, INTEGER s}, ≤ 72 B
 * @throws InvalidKeyError for a bad secret key; RangeError for wrong lengths
 */
export function signDigest(secretKey: Uint8Array, e: Uint8Array, options: Pick<Sm2SignOptions, "k"> = {}): Uint8Array {
  abytes(e, lengths.digest, "e");
  const d = secretScalar(secretKey);
  const eInt = bytesToNumberBE(e);
  const dInv = Fn.inv(Fn.create(1n + d));
  for (;;) {
    // A3: k ∈ [1, n−1]
    const k = ephemeralScalar(options.k);
    // A4: (x1, y1) = [k]G
    const x1 = G.multiply(k).x;
    // A5: r = (e + x1) mod n; retry if r = 0 or r + k = n
    const r = Fn.create(eInt + x1);
    if (r === 0n || r + k === curve.n) {
      if (options.k !== undefined) throw new RangeError('"k" gives r = 0 or r + k = n');
      continue;
    }
    // A6: s = ((1 + d)^−1 · (k − r·d)) mod n; retry if s = 0
    const s = Fn.mul(dInv, Fn.sub(k, Fn.mul(r, d)));
    if (s === 0n) {
      if (options.k !== undefined) throw new RangeError('"k" gives s = 0');
      continue;
    }
    // A7: the signature (r, s)
    return sequence(integer(r), integer(s));
  }
}

/**
 * SM2DSA over a RAW message: e = SM3(Z_A ‖ M) with the signer's own public key, then {@link signDigest}
 * (GB/T 32918.2-2016 §6.1). Verifiable with `openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678`.
 * @param secretKey 32 B
 * @param message any length
 * @returns DER signature, ≤ 72 B
 */
export function sign(secretKey: Uint8Array, message: Uint8Array, options: Sm2SignOptions = {}): Uint8Array {
  abytes(message, undefined, "message");
  const e = digest(getPublicKey(secretKey), message, options.id ?? DEFAULT_ID_BYTES);
  return signDigest(secretKey, e, options.k !== undefined ? { k: options.k } : {});
}

/**
 * Verify SM2DSA over a 32-byte e (DIGEST mode), GB/T 32918.2-2016 §7.1 steps B1–B2, B5–B7.
 * @param publicKey 65 B
 * @param e 32 B
 * @param signature strict DER (BER variants, trailing bytes, negative or non-minimal INTEGERs are rejected)
 * @returns true only for a valid signature
 * @throws InvalidKeyError for a public key off the curve; RangeError / TypeError for wrong lengths / types
 */
export function verifyDigest(publicKey: Uint8Array, e: Uint8Array, signature: Uint8Array): boolean {
  abytes(e, lengths.digest, "e");
  abytes(signature, undefined, "signature");
  const pa = publicPoint(publicKey);
  const sig = parseRsSignature(signature);
  if (!sig) return false;
  const { r, s } = sig;
  // B1, B2: r, s ∈ [1, n−1]
  if (r < 1n || r >= curve.n || s < 1n || s >= curve.n) return false;
  // B5: t = (r + s) mod n, t ≠ 0
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  // B6: (x1', y1') = [s]G + [t]P_A (public data: variable-time multiplication is fine)
  const pt = G.multiplyUnsafe(s).add(pa.multiplyUnsafe(t));
  if (pt.is0()) return false;
  // B7: R = (e + x1') mod n, accept iff R = r
  return Fn.create(bytesToNumberBE(e) + pt.x) === r;
}

/**
 * Verify SM2DSA over a RAW message (e = SM3(Z_A ‖ M)), GB/T 32918.2-2016 §7.1.
 * @param publicKey 65 B
 * @param message any length
 * @param signature strict DER
 * @param options `id` for Z_A, default {@link DEFAULT_ID}
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options: { id?: Uint8Array } = {}): boolean {
  return verifyDigest(publicKey, digest(publicKey, message, options.id ?? DEFAULT_ID_BYTES), signature);
}

/**
 * DER signature → r ‖ s (64 B, each big-endian, left-padded).
 * @throws RangeError when `der` is not a strict DER signature with 1 ≤ r, s < n
 */
export function signatureToCompact(der: Uint8Array): Uint8Array {
  abytes(der, undefined, "signature");
  const sig = parseRsSignature(der);
  if (!sig || sig.r < 1n || sig.r >= curve.n || sig.s < 1n || sig.s >= curve.n) {
    throw new RangeError('"signature" is not a DER SM2 signature');
  }
  const out = new Uint8Array(64);
  out.set(be(sig.r), 0);
  out.set(be(sig.s), 32);
  return out;
}

/** r ‖ s (64 B) → DER SEQUENCE{INTEGER r, INTEGER s}. */
export function signatureFromCompact(compact: Uint8Array): Uint8Array {
  abytes(compact, lengths.signature, "signature");
  return sequence(integer(bytesToNumberBE(compact.subarray(0, 32))), integer(bytesToNumberBE(compact.subarray(32))));
}

/**
 * Key derivation function, GB/T 32918.4-2016 §5.4.3: Ha_i = SM3(Z ‖ ct) for ct = 1, 2, … (32-bit big-endian),
 * concatenated and cut to `klen` bytes.
 */
function kdf(z: Uint8Array, klen: number): Uint8Array {
  const out = new Uint8Array(klen);
  const ct = new Uint8Array(4);
  for (let i = 0, counter = 1; i < klen; i += 32, counter++) {
    new DataView(ct.buffer).setUint32(0, counter);
    const block = sm3(z, ct);
    out.set(block.subarray(0, Math.min(32, klen - i)), i);
    wipe(block);
  }
  return out;
}

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/**
 * SM2 public-key encryption, GB/T 32918.4-2016 §6.1 (output order C1 ‖ C3 ‖ C2 as in the 2016 text).
 * @param publicKey 65 B, recipient
 * @param plaintext ≥ 1 byte
 * @param format `"C1C3C2_ASN1"`: GM/T 0009-2012 §7.2 SEQUENCE{INTEGER x, INTEGER y, OCTET STRING C3 (32),
 *   OCTET STRING C2}; `"C1C3C2"`: raw x(32) ‖ y(32) ‖ C3(32) ‖ C2, no 0x04 (plaintext + 96 B)
 * @param options `k`: fixed ephemeral scalar (32 B), known-answer tests ONLY
 * @throws InvalidKeyError for a public key off the curve
 */
export function encrypt(
  publicKey: Uint8Array,
  plaintext: Uint8Array,
  format: Sm2CiphertextFormat,
  options: { k?: Uint8Array } = {},
): Uint8Array {
  abytes(plaintext, undefined, "plaintext");
  if (plaintext.length === 0) throw new RangeError('"plaintext" expected at least 1 byte, got 0');
  if (format !== "C1C3C2_ASN1" && format !== "C1C3C2") throw new TypeError(`"format" unknown: ${String(format)}`);
  const pb = publicPoint(publicKey); // A3: S = [h]P_B ≠ O holds since h = 1 and P_B is a valid non-infinity point
  for (;;) {
    // A1: k ∈ [1, n−1]
    const k = ephemeralScalar(options.k);
    // A2: C1 = [k]G = (x1, y1)
    const c1 = G.multiply(k);
    // A4: [k]P_B = (x2, y2)
    const shared = pb.multiply(k);
    const x2 = be(shared.x);
    const y2 = be(shared.y);
    const z = new Uint8Array(64);
    z.set(x2, 0);
    z.set(y2, 32);
    // A5: t = KDF(x2 ‖ y2, klen); all-zero t → pick another k
    const t = kdf(z, plaintext.length);
    try {
      if (isAllZero(t)) {
        if (options.k !== undefined) throw new RangeError('"k" gives an all-zero KDF output');
        continue;
      }
      // A6: C2 = M ⊕ t
      const c2 = new Uint8Array(plaintext.length);
      for (let i = 0; i < c2.length; i++) c2[i] = plaintext[i]! ^ t[i]!;
      // A7: C3 = SM3(x2 ‖ M ‖ y2)
      const c3 = sm3(x2, plaintext, y2);
      // A8: C = C1 ‖ C3 ‖ C2
      if (format === "C1C3C2_ASN1") return sequence(integer(c1.x), integer(c1.y), octetString(c3), octetString(c2));
      const out = new Uint8Array(96 + c2.length);
      out.set(be(c1.x), 0);
      out.set(be(c1.y), 32);
      out.set(c3, 64);
      out.set(c2, 96);
      return out;
    } finally {
      wipe(x2, y2, z, t);
    }
  }
}

/** Splits a ciphertext into (x1, y1, C3, C2), or throws DecryptionError. */
function parseCiphertext(ciphertext: Uint8Array, format: Sm2CiphertextFormat) {
  if (format === "C1C3C2") {
    if (ciphertext.length < 97) throw new DecryptionError();
    return {
      x1: bytesToNumberBE(ciphertext.subarray(0, 32)),
      y1: bytesToNumberBE(ciphertext.subarray(32, 64)),
      c3: ciphertext.subarray(64, 96),
      c2: ciphertext.subarray(96),
    };
  }
  try {
    const seq = readSequence(ciphertext);
    const x1 = seq.readUnsignedInteger();
    const y1 = seq.readUnsignedInteger();
    const c3 = seq.read(TAG.OCTET_STRING);
    const c2 = seq.read(TAG.OCTET_STRING);
    seq.end();
    if (c3.length !== 32 || c2.length === 0) throw new DecryptionError();
    return { x1, y1, c3, c2 };
  } catch (err) {
    if (err instanceof DerError) throw new DecryptionError();
    throw err;
  }
}

/**
 * SM2 decryption, GB/T 32918.4-2016 §7.1. Checks C1 is on the curve (B1) and C3 (B6) before anything is released.
 * @param secretKey 32 B
 * @param ciphertext as made by {@link encrypt} in `format` (raw: ≥ 97 B)
 * @returns the plaintext (ciphertext length − 96 B for raw)
 * @throws DecryptionError for every malformed or unauthentic ciphertext (one message for all causes);
 *   InvalidKeyError for a bad secret key
 */
export function decrypt(secretKey: Uint8Array, ciphertext: Uint8Array, format: Sm2CiphertextFormat): Uint8Array {
  abytes(ciphertext, undefined, "ciphertext");
  if (format !== "C1C3C2_ASN1" && format !== "C1C3C2") throw new TypeError(`"format" unknown: ${String(format)}`);
  const d = secretScalar(secretKey);
  const { x1, y1, c3, c2 } = parseCiphertext(ciphertext, format);
  // B1: C1 must be a point on the curve (coordinates in [0, p), curve equation); B2: S = [h]C1 ≠ O (h = 1).
  let c1: P;
  try {
    if (x1 >= curve.p || y1 >= curve.p) throw new Error("coordinate out of range");
    c1 = Point.fromAffine({ x: x1, y: y1 });
    c1.assertValidity();
    if (c1.is0()) throw new Error("infinity");
  } catch {
    throw new DecryptionError();
  }
  // B3: [d]C1 = (x2, y2)
  const shared = c1.multiply(d);
  const x2 = be(shared.x);
  const y2 = be(shared.y);
  const z = new Uint8Array(64);
  z.set(x2, 0);
  z.set(y2, 32);
  // B4: t = KDF(x2 ‖ y2, klen), all-zero t is an error
  const t = kdf(z, c2.length);
  let message: Uint8Array | undefined = new Uint8Array(c2.length);
  try {
    const tZero = isAllZero(t);
    // B5: M' = C2 ⊕ t
    for (let i = 0; i < c2.length; i++) message[i] = c2[i]! ^ t[i]!;
    // B6: u = SM3(x2 ‖ M' ‖ y2) must equal C3 (constant-time compare)
    const u = sm3(x2, message, y2);
    const ok = constantTimeEqual(u, c3) && !tZero;
    wipe(u);
    if (!ok) throw new DecryptionError();
    // B7: release M'
    const out = message;
    message = undefined;
    return out;
  } finally {
    wipe(x2, y2, z, t, message);
  }
}
