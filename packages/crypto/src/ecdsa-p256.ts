/**
 * ECDSA on NIST P-256 (secp256r1 / prime256v1) with SHA-256, FIPS 186-5 §6.4 / SEC 1 v2 §4.1: Tencent's
 * `ECC_P256_R1`. Verifiable with `openssl dgst -sha256 -verify pub.pem -signature sig msg`.
 *
 * Curve arithmetic and nonce generation come from `@noble/curves` (RFC 6979 deterministic k, hedged with fresh
 * randomness); the message is hashed with SHA-256 here, so RAW and DIGEST share one path. Signatures are not
 * normalised to low-S (standard ECDSA, as OpenSSL); both halves verify.
 *
 * Shapes (bytes): secret key 32, public key 65 (0x04 ‖ x ‖ y), digest 32, signature DER ≤ 72
 * (SEQUENCE{INTEGER r, INTEGER s}) or 64 as r ‖ s (IEEE P1363).
 * Errors: wrong types/lengths → `TypeError`/`RangeError`; invalid key → `InvalidKeyError` (code `INVALID_KEY`).
 * `verify*` return false for every bad signature, including any that is not strict DER.
 */
import { p256 } from "@noble/curves/nist.js";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils.js";
import { platform } from "#platform";
import { bitString, integer, oid, parseRsSignature, sequence } from "./_der.js";
import { InvalidKeyError } from "./_errors.js";
import { abytes } from "./_validate.js";
import { sha256 } from "./sha256.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** P-256 group order n (FIPS 186-5 / SP 800-186 §3.2.1.3). */
const N = p256.Point.Fn.ORDER;

/** ECDSA P-256 byte lengths. `signature` is r ‖ s; `signatureDer` is the maximum DER length. */
export const lengths = Object.freeze({ secretKey: 32, publicKey: 65, digest: 32, signature: 64, signatureDer: 72 });

function checkSecretKey(secretKey: Uint8Array): void {
  abytes(secretKey, lengths.secretKey, "secretKey");
  if (!p256.utils.isValidSecretKey(secretKey)) throw new InvalidKeyError("P-256 secret key out of range [1, n-1]");
}

function checkPublicKey(publicKey: Uint8Array): void {
  abytes(publicKey, lengths.publicKey, "publicKey");
  if (publicKey[0] !== 0x04) throw new InvalidKeyError("P-256 public key must be uncompressed (0x04 ‖ x ‖ y)");
  try {
    p256.Point.fromBytes(publicKey).assertValidity(); // SEC 1 §3.2.2.1: on the curve, not infinity
  } catch {
    throw new InvalidKeyError("P-256 public key is not a point on the curve");
  }
}

/**
 * A new random key pair.
 * @returns `secretKey` 32 B (d ∈ [1, n−1]), `publicKey` 65 B
 */
export function generateKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { secretKey } = p256.keygen();
  return { secretKey, publicKey: p256.getPublicKey(secretKey, false) };
}

/**
 * The public key of a secret key.
 * @param secretKey 32 B
 * @returns 65 B, 0x04 ‖ x ‖ y
 */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  checkSecretKey(secretKey);
  return p256.getPublicKey(secretKey, false);
}

/**
 * ECDSA signature over a 32-byte SHA-256 digest (DIGEST mode), FIPS 186-5 §6.4.1 from step 2.
 * @param secretKey 32 B
 * @param digest 32 B, SHA-256(M)
 * @returns DER SEQUENCE{INTEGER r, INTEGER s}, ≤ 72 B
 */
export function signDigest(secretKey: Uint8Array, digest: Uint8Array): Uint8Array {
  abytes(digest, lengths.digest, "digest");
  checkSecretKey(secretKey);
  const compact = p256.sign(digest, secretKey, { prehash: false, lowS: false, extraEntropy: true, format: "compact" });
  return signatureFromCompact(compact);
}

/**
 * ECDSA signature over a RAW message: SHA-256 then {@link signDigest}.
 * @param secretKey 32 B
 * @param message any length
 * @returns DER, ≤ 72 B
 */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  return signDigest(secretKey, sha256(message));
}

/** Strict DER → (r, s) with 1 ≤ r, s < n, or undefined. */
function parseDer(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  const sig = parseRsSignature(der);
  return sig && sig.r >= 1n && sig.r < N && sig.s >= 1n && sig.s < N ? sig : undefined;
}

/**
 * Verify an ECDSA signature over a 32-byte SHA-256 digest, FIPS 186-5 §6.4.2.
 * @param publicKey 65 B
 * @param digest 32 B
 * @param signature strict DER (BER forms, trailing bytes, negative or non-minimal INTEGERs, r or s ∉ [1, n−1] → false)
 * @returns true only for a valid signature
 * @throws InvalidKeyError for a public key off the curve
 */
export function verifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  abytes(digest, lengths.digest, "digest");
  abytes(signature, undefined, "signature");
  checkPublicKey(publicKey);
  const sig = parseDer(signature);
  if (!sig) return false;
  const compact = new Uint8Array(64);
  compact.set(numberToBytesBE(sig.r, 32), 0);
  compact.set(numberToBytesBE(sig.s, 32), 32);
  try {
    return p256.verify(compact, digest, publicKey, { prehash: false, lowS: false, format: "compact" });
  } catch {
    return false;
  }
}

/**
 * Verify an ECDSA signature over a RAW message: SHA-256 then {@link verifyDigest}.
 * @param publicKey 65 B
 * @param message any length
 * @param signature strict DER
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  abytes(message, undefined, "message");
  return verifyDigest(publicKey, sha256(message), signature);
}

const SPKI_ALGORITHM = sequence(oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")); // id-ecPublicKey, prime256v1

/**
 * Verify an ECDSA signature over a RAW message on any runtime: the platform's ECDSA (WebCrypto in a browser, OpenSSL
 * in Node) with SHA-256, FIPS 186-5 §6.4.2. Same contract as {@link verify}.
 * @param publicKey 65 B, 0x04 ‖ x ‖ y
 * @param message any length
 * @param signature strict DER (anything else → false)
 * @returns true only for a valid signature
 * @throws InvalidKeyError for a public key off the curve; TypeError / RangeError for wrong types / lengths
 */
export async function verifyAsync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  abytes(message, undefined, "message");
  abytes(signature, undefined, "signature");
  checkPublicKey(publicKey);
  const sig = parseDer(signature);
  const n = p256.Point.Fn.ORDER;
  if (!sig || sig.r < 1n || sig.r >= n || sig.s < 1n || sig.s >= n) return false;
  const compact = new Uint8Array(64);
  compact.set(numberToBytesBE(sig.r, 32), 0);
  compact.set(numberToBytesBE(sig.s, 32), 32);
  return platform.ecdsaP256Verify(sequence(SPKI_ALGORITHM, bitString(publicKey)), message, compact);
}

/**
 * DER signature → r ‖ s (IEEE P1363, 64 B).
 * @throws RangeError when `der` is not strict DER with 1 ≤ r, s < n
 */
export function signatureToCompact(der: Uint8Array): Uint8Array {
  abytes(der, undefined, "signature");
  const sig = parseDer(der);
  if (!sig) throw new RangeError('"signature" is not a DER P-256 signature');
  const out = new Uint8Array(64);
  out.set(numberToBytesBE(sig.r, 32), 0);
  out.set(numberToBytesBE(sig.s, 32), 32);
  return out;
}

/** r ‖ s (64 B) → DER SEQUENCE{INTEGER r, INTEGER s} (values are not range-checked here; verify does that). */
export function signatureFromCompact(compact: Uint8Array): Uint8Array {
  abytes(compact, lengths.signature, "signature");
  return sequence(integer(bytesToNumberBE(compact.subarray(0, 32))), integer(bytesToNumberBE(compact.subarray(32))));
}
