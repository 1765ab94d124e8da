/**
 * ECDSA over a NIST prime curve with one hash (FIPS 186-5 §6.4, SEC 1 v2 §4.1), the shared core of the per-curve
 * facades (`ecdsa-p384.ts`). Curve arithmetic and nonces from `@noble/curves` (RFC 6979 deterministic k hedged with
 * fresh randomness); the hash is OpenSSL's (Node). Signatures are DER SEQUENCE{INTEGER r, INTEGER s}, not normalised
 * to low-S (as OpenSSL); verification takes strict DER only.
 */
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { platform } from "#platform";
import { integer, parseRsSignature, sequence } from "./_der.js";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";

/** The parts of a `@noble/curves` Weierstrass curve used here. */
interface NobleCurve {
  keygen(): { secretKey: Uint8Array };
  getPublicKey(secretKey: Uint8Array, compressed?: boolean): Uint8Array;
  sign(msg: Uint8Array, secretKey: Uint8Array, opts: object): Uint8Array;
  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array, opts: object): boolean;
  utils: { isValidSecretKey(secretKey: Uint8Array): boolean };
  Point: { Fn: { ORDER: bigint }; fromBytes(bytes: Uint8Array): { assertValidity(): void } };
}

export interface EcdsaParameters {
  /** Curve name in messages, e.g. `P-384`. */
  name: string;
  curve: NobleCurve;
  /** Node's name of the hash, e.g. `sha384`. */
  hash: string;
  /** Field element / scalar length in bytes (48 for P-384). */
  scalar: number;
}

export interface EcdsaScheme {
  /** Byte lengths: secret key, public key (0x04 ‖ x ‖ y), digest, r ‖ s, the longest DER signature. */
  readonly lengths: Readonly<{ secretKey: number; publicKey: number; digest: number; signature: number; signatureDer: number }>;
  generateKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array };
  getPublicKey(secretKey: Uint8Array): Uint8Array;
  hash(message: Uint8Array): Uint8Array;
  signDigest(secretKey: Uint8Array, digest: Uint8Array): Uint8Array;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  verifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  signatureToCompact(der: Uint8Array): Uint8Array;
  signatureFromCompact(compact: Uint8Array): Uint8Array;
}

/** One ECDSA instance for a curve + hash (frozen). */
export function ecdsaScheme(p: EcdsaParameters): EcdsaScheme {
  const n = p.curve.Point.Fn.ORDER;
  const digestLength = p.hash === "sha384" ? 48 : p.hash === "sha512" ? 64 : 32;
  // DER: SEQUENCE header (2–3 B) + two INTEGERs of at most scalar + 1 bytes each with 2-byte headers.
  const lengths = Object.freeze({ secretKey: p.scalar, publicKey: 2 * p.scalar + 1, digest: digestLength, signature: 2 * p.scalar, signatureDer: 2 * (p.scalar + 3) + 3 });

  const checkSecretKey = (sk: Uint8Array) => {
    abytes(sk, lengths.secretKey, "secretKey");
    if (!p.curve.utils.isValidSecretKey(sk)) throw new InvalidKeyError(`${p.name} secret key out of range [1, n-1]`);
  };
  const checkPublicKey = (pk: Uint8Array) => {
    abytes(pk, lengths.publicKey, "publicKey");
    if (pk[0] !== 0x04) throw new InvalidKeyError(`${p.name} public key must be uncompressed (0x04 ‖ x ‖ y)`);
    try {
      p.curve.Point.fromBytes(pk).assertValidity(); // SEC 1 §3.2.2.1: on the curve, not infinity
    } catch {
      throw new InvalidKeyError(`${p.name} public key is not a point on the curve`);
    }
  };
  const parseDer = (der: Uint8Array): { r: bigint; s: bigint } | undefined => {
    const sig = parseRsSignature(der);
    return sig && sig.r >= 1n && sig.r < n && sig.s >= 1n && sig.s < n ? sig : undefined;
  };
  const compactOf = (sig: { r: bigint; s: bigint }) => {
    const out = new Uint8Array(lengths.signature);
    out.set(numberToBytesBE(sig.r, p.scalar), 0);
    out.set(numberToBytesBE(sig.s, p.scalar), p.scalar);
    return out;
  };
  const hash = (message: Uint8Array) => {
    abytes(message, undefined, "message");
    return new Uint8Array(platform.nodeCrypto().createHash(p.hash).update(message).digest());
  };
  const signatureFromCompact = (compact: Uint8Array) => {
    abytes(compact, lengths.signature, "signature");
    return sequence(integer(bytesToNumberBE(compact.subarray(0, p.scalar))), integer(bytesToNumberBE(compact.subarray(p.scalar))));
  };
  const signDigest = (sk: Uint8Array, digest: Uint8Array) => {
    abytes(digest, lengths.digest, "digest");
    checkSecretKey(sk);
    return signatureFromCompact(p.curve.sign(digest, sk, { prehash: false, lowS: false, extraEntropy: true, format: "compact" }));
  };
  const verifyDigest = (pk: Uint8Array, digest: Uint8Array, signature: Uint8Array) => {
    abytes(digest, lengths.digest, "digest");
    abytes(signature, undefined, "signature");
    checkPublicKey(pk);
    const sig = parseDer(signature);
    if (!sig) return false;
    try {
      return p.curve.verify(compactOf(sig), digest, pk, { prehash: false, lowS: false, format: "compact" });
    } catch {
      return false;
    }
  };
  return Object.freeze({
    lengths,
    hash,
    generateKeyPair() {
      const { secretKey } = p.curve.keygen();
      return { secretKey, publicKey: p.curve.getPublicKey(secretKey, false) };
    },
    getPublicKey(sk: Uint8Array) {
      checkSecretKey(sk);
      return p.curve.getPublicKey(sk, false);
    },
    signDigest,
    sign: (sk: Uint8Array, message: Uint8Array) => signDigest(sk, hash(message)),
    verifyDigest,
    verify: (pk: Uint8Array, message: Uint8Array, signature: Uint8Array) => verifyDigest(pk, hash(message), signature),
    signatureToCompact(der: Uint8Array) {
      abytes(der, undefined, "signature");
      const sig = parseDer(der);
      if (!sig) throw new RangeError(`"signature" is not a DER ${p.name} signature`);
      return compactOf(sig);
    },
    signatureFromCompact,
  });
}
