/**
 * RSAES-OAEP (RFC 8017 §7.1) with SHA-1 or SHA-256 and MGF1 over the same hash, via OpenSSL (its OAEP decoding
 * is constant-time). These are Tencent's `RSAES_OAEP_SHA_1` / `RSAES_OAEP_SHA_256`, and what
 * `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256` produces.
 *
 * Shapes (bytes, RSA-2048, k = 256): ciphertext k; plaintext 0..k − 2·hLen − 2 (SHA-1: 214, SHA-256: 190).
 * Keys: public SPKI DER, secret PKCS#8 DER (see `rsa.ts`).
 * Errors: any bad ciphertext (wrong length, ≥ n, bad padding, wrong label) → `DecryptionError`
 * (code `DECRYPTION_FAILED`, one message); bad keys → `InvalidKeyError`; too-long plaintext → `RangeError`.
 */
import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import { DecryptionError } from "./_errors.js";
import { HASH_LENGTH, NODE_HASH, privateKey, publicKey, type RsaHash } from "./_rsa.js";
import { abytes } from "./_validate.js";

export { DecryptionError, isDecryptionError, InvalidKeyError, isInvalidKeyError } from "./_errors.js";
export type { RsaHash } from "./_rsa.js";

/** Byte lengths for RSA-2048. */
export const lengths = Object.freeze({
  ciphertext: 256,
  maxPlaintext: { "SHA-1": 256 - 2 * 20 - 2, "SHA-256": 256 - 2 * 32 - 2 } as Readonly<Record<RsaHash, number>>,
});

function checkHash(h: RsaHash): void {
  if (h !== "SHA-1" && h !== "SHA-256") throw new TypeError(`"hash" expected "SHA-1" or "SHA-256", got ${String(h)}`);
}

/**
 * RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1).
 * @param publicKey SPKI DER
 * @param plaintext 0..k − 2·hLen − 2 bytes
 * @param hash OAEP hash, also the MGF1 hash
 * @param label optional label L (default empty)
 * @returns k bytes
 */
export function encrypt(publicKey_: Uint8Array, plaintext: Uint8Array, hash: RsaHash, label?: Uint8Array): Uint8Array {
  checkHash(hash);
  abytes(plaintext, undefined, "plaintext");
  if (label !== undefined) abytes(label, undefined, "label");
  const key = publicKey(publicKey_);
  const max = key.k - 2 * HASH_LENGTH[hash] - 2;
  if (plaintext.length > max) throw new RangeError(`"plaintext" expected at most ${max} bytes, got ${plaintext.length}`);
  return new Uint8Array(
    publicEncrypt(
      { key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[hash], ...(label ? { oaepLabel: label } : {}) },
      plaintext,
    ),
  );
}

/**
 * RSAES-OAEP-DECRYPT (RFC 8017 §7.1.2).
 * @param secretKey PKCS#8 DER
 * @param ciphertext k bytes
 * @param hash OAEP hash, also the MGF1 hash
 * @param label optional label L (default empty)
 * @returns the plaintext
 * @throws DecryptionError for every invalid ciphertext
 */
export function decrypt(secretKey: Uint8Array, ciphertext: Uint8Array, hash: RsaHash, label?: Uint8Array): Uint8Array {
  checkHash(hash);
  abytes(ciphertext, undefined, "ciphertext");
  if (label !== undefined) abytes(label, undefined, "label");
  const key = privateKey(secretKey);
  // §7.1.2 step 1.b: the ciphertext must be k octets.
  if (ciphertext.length !== key.k) throw new DecryptionError();
  try {
    return new Uint8Array(
      privateDecrypt(
        { key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: NODE_HASH[hash], ...(label ? { oaepLabel: label } : {}) },
        ciphertext,
      ),
    );
  } catch {
    throw new DecryptionError();
  }
}
