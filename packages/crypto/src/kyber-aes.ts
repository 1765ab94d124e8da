/**
 * Kyber_AES: the KEM-DEM of `ASYMMETRIC_Encrypt_Decrypt_Kyber_AES` CMKs (SPEC §2) — ML-KEM-768 (FIPS 203) →
 * HKDF-SHA-256 (RFC 5869) → AES-256-GCM (SP 800-38D). Encryption needs only the CMK's id and public key, so a
 * browser (or anyone holding `GetPublicKey`'s output) makes blobs that `PostQuantumCryptoDecrypt` accepts.
 *
 * Blob format v1 (all integers big-endian; documented with golden vectors in docs/kyber-aes-blob.md):
 *
 *   offset  size    field
 *   0       1       format version = 0x01
 *   1       1       algorithm = 0x03 (ML-KEM-768 + HKDF-SHA-256 + AES-256-GCM)
 *   2       16      CMK id (the UUID's 16 bytes)
 *   18      32      key fingerprint = SHA3-256(ek) (FIPS 203 H(ek)) of the recipient's encapsulation key
 *   50      1088    ML-KEM-768 ciphertext c
 *   1138    n + 16  AES-256-GCM ciphertext ‖ 16-byte tag
 *
 * Key schedule: (K, c) ← ML-KEM.Encaps(ek); OKM = HKDF-SHA-256(IKM = K, salt = empty, info = "OpenKMS Kyber_AES v1",
 * L = 44); AES key = OKM[0..32), nonce = OKM[32..44). A fresh K per message makes the derived nonce unique.
 * AAD = blob[0..1138) (version, algorithm, CMK id, fingerprint and KEM ciphertext are all authenticated).
 * Overhead: 1154 bytes. A forged KEM ciphertext decapsulates to the implicit-rejection key (FIPS 203 Algorithm 18),
 * so it surfaces here as an AES-GCM authentication failure, like any other tampering.
 *
 * Errors: wrong argument types/lengths → TypeError / RangeError; a public key failing the FIPS 203 §7.2 check →
 * InvalidKeyError; any malformed, tampered or foreign blob on decryption → DecryptionError (code
 * `DECRYPTION_FAILED`, one message for every cause).
 */
import { seal, sealAsync, type KyberAesRecipient } from "./_kyber-aes.js";

/** Loads the post-quantum WASM module asynchronously; await it once before the synchronous calls in a browser. */
export { pqcReady as ready } from "./_pqc-engine.js";

export { DecryptionError, isDecryptionError, InvalidKeyError, isInvalidKeyError } from "./_errors.js";
export {
  ALGORITHM_ML_KEM_768_HKDF_SHA256_AES_256_GCM, FORMAT_VERSION, decrypt, decryptAsync, fingerprint, lengths, parseBlob,
  type KyberAesBlob, type KyberAesRecipient,
} from "./_kyber-aes.js";

/**
 * Encrypt `plaintext` to a Kyber_AES CMK with its public key alone. The ML-KEM randomness m is always drawn here
 * (FIPS 203 Algorithm 20 step 1): there is no way to pass it in, because a repeated m repeats K and with it the
 * AES-256-GCM key *and* nonce derived from K (a nonce reuse that reveals plaintext XORs and the GHASH key).
 * @param recipient CMK id and encapsulation key (raw 1184 B or SPKI DER)
 * @param plaintext any length ≥ 0 (the KMS API itself limits PostQuantumCryptoEncrypt to 4096 B)
 * @returns the v1 blob, `plaintext.length + 1154` bytes
 * @throws InvalidKeyError when the public key is malformed or fails the modulus check; TypeError when a third
 *   argument is given (earlier versions took `{ m }` there for known-answer tests)
 */
export function encrypt(recipient: KyberAesRecipient, plaintext: Uint8Array, ...rest: never[]): Uint8Array {
  if (rest.length !== 0) throw new TypeError(`"encrypt" takes (recipient, plaintext); the ML-KEM randomness cannot be chosen`);
  return seal(recipient, plaintext, undefined); // m drawn inside ML-KEM.Encaps
}


/**
 * {@link encrypt} on any runtime, asynchronously: loads the WASM module if needed, then ML-KEM-768 (WASM),
 * HKDF-SHA-256 and AES-256-GCM (WebCrypto in a browser, OpenSSL in Node). The blob format and sizes are those of
 * {@link encrypt}; `PostQuantumCryptoDecrypt` accepts it.
 * @param recipient CMK id (lowercase UUID) and encapsulation key (raw 1184 B or SPKI DER)
 * @returns the v1 blob, `plaintext.length + 1154` bytes
 * @throws InvalidKeyError for a malformed public key; TypeError / RangeError for a bad key id or argument types
 */
export function encryptAsync(recipient: KyberAesRecipient, plaintext: Uint8Array, ...rest: never[]): Promise<Uint8Array> {
  if (rest.length !== 0) return Promise.reject(new TypeError(`"encryptAsync" takes (recipient, plaintext); the ML-KEM randomness cannot be chosen`));
  return sealAsync(recipient, plaintext, undefined);
}
