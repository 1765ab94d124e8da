/**
 * RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with SHA-256: Tencent's `RSA_PKCS1_SHA_256`.
 * Verifiable with `openssl dgst -sha256 -verify pub.pem -signature sig msg`.
 *
 * RAW messages go through OpenSSL's `sign`/`verify`. A 32-byte DIGEST is signed and verified here around the bare
 * RSA operation with EMSA-PKCS1-v1_5 (RFC 8017 §9.2); verification re-encodes and compares the whole encoded
 * message (§8.2.2 step 3–4), so no ASN.1 parsing of attacker data takes place.
 *
 * Shapes (bytes, RSA-2048): signature 256, digest 32. Keys: public SPKI DER, secret PKCS#8 DER (`rsa.ts`).
 * Errors: bad keys → `InvalidKeyError`; wrong lengths → `RangeError`. `verify*` return false for every bad signature.
 */
import { sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { privateKey, publicKey, rawPrivate, rawPublic } from "./_rsa.js";
import { abytes } from "./_validate.js";
import { constantTimeEqual, wipe } from "./constant-time.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** Byte lengths for RSA-2048. */
export const lengths = Object.freeze({ signature: 256, digest: 32 });

/** DER of DigestInfo{ AlgorithmIdentifier{ id-sha256, NULL }, OCTET STRING (32) } up to the digest (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Uint8Array.of(
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
);

/** EMSA-PKCS1-v1_5-ENCODE (RFC 8017 §9.2) of a SHA-256 digest: 0x00 ‖ 0x01 ‖ PS (0xff…) ‖ 0x00 ‖ T, k bytes. */
function encode(digest: Uint8Array, k: number): Uint8Array {
  const tLen = SHA256_DIGEST_INFO_PREFIX.length + digest.length;
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - tLen - 1] = 0x00;
  em.set(SHA256_DIGEST_INFO_PREFIX, k - tLen);
  em.set(digest, k - digest.length);
  return em;
}

/**
 * RSASSA-PKCS1-V1_5-SIGN over a RAW message (RFC 8017 §8.2.1), SHA-256.
 * @param secretKey PKCS#8 DER
 * @returns k bytes
 */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  return new Uint8Array(nodeSign("sha256", message, privateKey(secretKey).key));
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY over a RAW message (RFC 8017 §8.2.2), SHA-256.
 * @param publicKey SPKI DER
 * @returns true only for a valid signature
 */
export function verify(publicKey_: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  abytes(message, undefined, "message");
  abytes(signature, undefined, "signature");
  const key = publicKey(publicKey_);
  if (signature.length !== key.k) return false;
  try {
    return nodeVerify("sha256", message, key.key, signature);
  } catch {
    return false;
  }
}

/**
 * RSASSA-PKCS1-V1_5-SIGN over a 32-byte SHA-256 digest (DIGEST mode): EMSA-PKCS1-v1_5 then RSASP1.
 * @param secretKey PKCS#8 DER
 * @param digest 32 B
 * @returns k bytes
 */
export function signDigest(secretKey: Uint8Array, digest: Uint8Array): Uint8Array {
  abytes(digest, 32, "digest");
  const key = privateKey(secretKey);
  const em = encode(digest, key.k);
  try {
    return rawPrivate(key, em);
  } finally {
    wipe(em);
  }
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY over a 32-byte SHA-256 digest: RSAVP1, then compare with EMSA-PKCS1-v1_5-ENCODE(digest).
 * @param publicKey SPKI DER
 * @param digest 32 B
 * @returns true only for a valid signature
 */
export function verifyDigest(publicKey_: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  abytes(digest, 32, "digest");
  abytes(signature, undefined, "signature");
  const key = publicKey(publicKey_);
  if (signature.length !== key.k) return false; // §8.2.2 step 1
  let em: Uint8Array;
  try {
    em = rawPublic(key, signature); // step 2: RSAVP1 (s ≥ n rejected)
  } catch {
    return false;
  }
  return constantTimeEqual(em, encode(digest, key.k)); // steps 3–4
}
