/**
 * RSASSA-PSS (RFC 8017 §8.1) with SHA-256, MGF1-SHA-256 and a 32-byte salt: Tencent's `RSA_PSS_SHA_256`.
 * Verifiable with `openssl dgst -sha256 -verify pub.pem -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:-1`.
 *
 * RAW messages go through OpenSSL's own PSS (`sign`/`verify`). A 32-byte DIGEST (mHash) has no Node API, so
 * EMSA-PSS-ENCODE / -VERIFY (RFC 8017 §9.1.1 / §9.1.2) are done here around the bare RSA operation.
 *
 * Shapes (bytes, RSA-2048): signature 256, digest 32, salt 32. Keys: public SPKI DER, secret PKCS#8 DER (`rsa.ts`).
 * Errors: bad keys → `InvalidKeyError`; wrong lengths → `RangeError`. `verify*` return false for every bad signature.
 */
import { constants, randomFillSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { hash, mgf1, privateKey, publicKey, rawPrivate, rawPublic } from "./_rsa.js";
import { abytes } from "./_validate.js";
import { constantTimeEqual, wipe } from "./constant-time.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

const H = "SHA-256" as const;
const H_LEN = 32;
/** Salt length in bytes (= hash length, what `rsa_pss_saltlen:-1` means). */
export const SALT_LENGTH = 32;

/** Byte lengths for RSA-2048. */
export const lengths = Object.freeze({ signature: 256, digest: 32, salt: SALT_LENGTH });

/**
 * RSASSA-PSS-SIGN over a RAW message (RFC 8017 §8.1.1), SHA-256, random 32-byte salt.
 * @param secretKey PKCS#8 DER
 * @param message any length
 * @returns k bytes (256 for RSA-2048)
 */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(message, undefined, "message");
  const key = privateKey(secretKey);
  return new Uint8Array(
    nodeSign("sha256", message, { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_LENGTH }),
  );
}

/**
 * RSASSA-PSS-VERIFY over a RAW message (RFC 8017 §8.1.2), salt length exactly 32.
 * @param publicKey SPKI DER
 * @returns true only for a valid signature
 */
export function verify(publicKey_: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  abytes(message, undefined, "message");
  abytes(signature, undefined, "signature");
  const key = publicKey(publicKey_);
  if (signature.length !== key.k) return false;
  try {
    return nodeVerify(
      "sha256",
      message,
      { key: key.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT_LENGTH },
      signature,
    );
  } catch {
    return false;
  }
}

/**
 * RSASSA-PSS-SIGN over a 32-byte SHA-256 digest (DIGEST mode): EMSA-PSS-ENCODE (RFC 8017 §9.1.1) then RSASP1.
 * @param secretKey PKCS#8 DER
 * @param digest 32 B, SHA-256(M)
 * @param options `salt`: fixed 32-byte salt, for known-answer tests only (default random)
 * @returns k bytes
 */
export function signDigest(secretKey: Uint8Array, digest: Uint8Array, options: { salt?: Uint8Array } = {}): Uint8Array {
  abytes(digest, H_LEN, "digest");
  const key = privateKey(secretKey);
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  // Step 3: emLen ≥ hLen + sLen + 2 (always true for 2048..4096-bit keys).
  // Step 4: random salt.
  const salt = new Uint8Array(SALT_LENGTH);
  if (options.salt !== undefined) {
    abytes(options.salt, SALT_LENGTH, "salt");
    salt.set(options.salt);
  } else {
    randomFillSync(salt);
  }
  // Steps 5–6: M' = 0x00·8 ‖ mHash ‖ salt; H = Hash(M').
  const h = hash(H, new Uint8Array(8), digest, salt);
  // Steps 7–8: DB = PS ‖ 0x01 ‖ salt, PS = emLen − sLen − hLen − 2 zero octets.
  const db = new Uint8Array(emLen - H_LEN - 1);
  db[db.length - SALT_LENGTH - 1] = 0x01;
  db.set(salt, db.length - SALT_LENGTH);
  // Steps 9–10: maskedDB = DB ⊕ MGF(H, emLen − hLen − 1).
  const mask = mgf1(H, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  // Step 11: clear the leftmost 8·emLen − emBits bits.
  db[0]! &= 0xff >>> (8 * emLen - emBits);
  // Step 12: EM = maskedDB ‖ H ‖ 0xbc, left-padded to k octets for RSASP1 (§8.1.1 step 2: I2OSP(m, k)).
  const em = new Uint8Array(key.k);
  em.set(db, key.k - emLen);
  em.set(h, key.k - H_LEN - 1);
  em[key.k - 1] = 0xbc;
  try {
    return rawPrivate(key, em);
  } finally {
    wipe(salt, db, mask, em);
  }
}

/**
 * RSASSA-PSS-VERIFY over a 32-byte SHA-256 digest: RSAVP1 then EMSA-PSS-VERIFY (RFC 8017 §8.1.2, §9.1.2), sLen 32.
 * @param publicKey SPKI DER
 * @param digest 32 B
 * @returns true only for a valid signature
 */
export function verifyDigest(publicKey_: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  abytes(digest, H_LEN, "digest");
  abytes(signature, undefined, "signature");
  const key = publicKey(publicKey_);
  // §8.1.2 step 1: the signature must be k octets.
  if (signature.length !== key.k) return false;
  // Step 2: RSAVP1 (OpenSSL rejects s ≥ n).
  let m: Uint8Array;
  try {
    m = rawPublic(key, signature);
  } catch {
    return false;
  }
  const emBits = key.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  // I2OSP(m, emLen): the leading k − emLen octets must be zero.
  for (let i = 0; i < key.k - emLen; i++) if (m[i] !== 0) return false;
  const em = m.subarray(key.k - emLen);
  // §9.1.2 step 3: emLen ≥ hLen + sLen + 2. Step 4: rightmost octet 0xbc.
  if (emLen < H_LEN + SALT_LENGTH + 2 || em[emLen - 1] !== 0xbc) return false;
  // Step 5: maskedDB ‖ H.
  const maskedDb = em.subarray(0, emLen - H_LEN - 1);
  const h = em.subarray(emLen - H_LEN - 1, emLen - 1);
  // Step 6: the leftmost 8·emLen − emBits bits of maskedDB must be zero.
  const topMask = 0xff >>> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
  // Steps 7–9: DB = maskedDB ⊕ MGF(H), leftmost bits cleared.
  const mask = mgf1(H, h, maskedDb.length);
  const db = maskedDb.map((v, i) => v ^ mask[i]!);
  db[0]! &= topMask;
  // Step 10: DB = 0x00 … 0x00 ‖ 0x01 ‖ salt.
  const psLen = emLen - H_LEN - SALT_LENGTH - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  // Steps 11–14: H' = Hash(0x00·8 ‖ mHash ‖ salt) must equal H.
  const salt = db.subarray(db.length - SALT_LENGTH);
  return constantTimeEqual(hash(H, new Uint8Array(8), digest, salt), h);
}
