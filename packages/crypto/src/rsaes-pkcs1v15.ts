/**
 * RSAES-PKCS1-v1_5 (RFC 8017 §7.2), Tencent's `RSAES_PKCS1_V1_5`, as `openssl pkeyutl -encrypt` (default padding)
 * produces it.
 *
 * Decryption does not use OpenSSL's PKCS#1 v1.5 path (Node 20 refuses it since CVE-2023-46809, the Marvin attack):
 * it runs the bare RSA private operation (RSADP, RFC 8017 §5.1.2; OpenSSL blinds it) and decodes EME-PKCS1-v1_5
 * (§7.2.2 step 3) here, branch-free over all k bytes: every byte is read, the checks are combined into one flag, and
 * the only branch is on that flag at the very end. Every invalid ciphertext — wrong length, ≥ n, bad first bytes,
 * no separator, padding string shorter than 8 — throws the same `DecryptionError` after the same work.
 *
 * Note: valid vs invalid is still visible to a caller (the spec wants an error), which is the oracle Bleichenbacher's
 * attack needs; prefer RSAES-OAEP, and rate-limit and audit decryption calls. `expectedLength` (for key unwrapping,
 * where the length is known) makes a wrong-length plaintext fail the same way.
 *
 * Shapes (bytes, RSA-2048, k = 256): ciphertext k; plaintext 0..k − 11 (245).
 * Keys: public SPKI DER, secret PKCS#8 DER (see `rsa.ts`).
 */
import { constants, publicEncrypt } from "node:crypto";
import { DecryptionError } from "./_errors.js";
import { ctEq, ctGe, ctIsZero, ctSelect, privateKey, publicKey, rawPrivate } from "./_rsa.js";
import { abytes, aint } from "./_validate.js";
import { wipe } from "./constant-time.js";

export { DecryptionError, isDecryptionError, InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** Byte lengths for RSA-2048. */
export const lengths = Object.freeze({ ciphertext: 256, maxPlaintext: 256 - 11 });

/**
 * RSAES-PKCS1-V1_5-ENCRYPT (RFC 8017 §7.2.1), random non-zero padding from OpenSSL.
 * @param publicKey SPKI DER
 * @param plaintext 0..k − 11 bytes
 * @returns k bytes
 */
export function encrypt(publicKey_: Uint8Array, plaintext: Uint8Array): Uint8Array {
  abytes(plaintext, undefined, "plaintext");
  const key = publicKey(publicKey_);
  if (plaintext.length > key.k - 11) {
    throw new RangeError(`"plaintext" expected at most ${key.k - 11} bytes, got ${plaintext.length}`);
  }
  return new Uint8Array(publicEncrypt({ key: key.key, padding: constants.RSA_PKCS1_PADDING }, plaintext));
}

/**
 * RSAES-PKCS1-V1_5-DECRYPT (RFC 8017 §7.2.2).
 * @param secretKey PKCS#8 DER
 * @param ciphertext k bytes
 * @param options `expectedLength`: the plaintext must have exactly this many bytes (checked with the padding)
 * @returns the plaintext
 * @throws DecryptionError (one message) for every invalid ciphertext
 */
export function decrypt(secretKey: Uint8Array, ciphertext: Uint8Array, options: { expectedLength?: number } = {}): Uint8Array {
  abytes(ciphertext, undefined, "ciphertext");
  const key = privateKey(secretKey);
  const k = key.k;
  if (options.expectedLength !== undefined) aint(options.expectedLength, 0, k - 11, "expectedLength");
  // Step 1: length check (public information). Step 2: RSADP; c ≥ n is rejected by OpenSSL (also public).
  let em: Uint8Array;
  if (ciphertext.length !== k) {
    em = new Uint8Array(k); // decode a dummy so the work below is the same; the flag is forced to 0
  } else {
    try {
      em = rawPrivate(key, ciphertext);
    } catch {
      em = new Uint8Array(k);
    }
  }
  let good = ctEq(ciphertext.length, k) & ctEq(em.length, k);
  // Step 3: EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M, PS at least 8 non-zero octets.
  good &= ctIsZero(em[0]!) & ctEq(em[1]!, 2);
  let looking = 1; // still searching for the 0x00 separator
  let sep = 0;
  for (let i = 2; i < k; i++) {
    const zero = ctIsZero(em[i]!);
    sep = ctSelect(looking & zero, i, sep);
    looking &= zero ^ 1;
  }
  good &= looking ^ 1; // a separator exists
  good &= ctGe(sep, 2 + 8); // PS spans em[2..sep−1]: at least 8 octets
  if (options.expectedLength !== undefined) good &= ctEq(k - sep - 1, options.expectedLength);
  // The one branch, on the combined flag only.
  if (good !== 1) {
    wipe(em);
    throw new DecryptionError();
  }
  const message = em.slice(sep + 1);
  wipe(em);
  return message;
}
