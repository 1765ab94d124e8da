/**
 * `@openkms/browser/encrypt` — encrypt to a KMS key with its public key alone, in the page: the result decrypts with
 * the matching server action. Nothing is sent anywhere.
 */
import { oaepEncrypt } from "@openkms/crypto/rsa-public";
import { argsObject, bytes, oneOf, publicKeyOf } from "./_args.js";

/** The algorithms of {@link publicKeyEncrypt}, spelled as the KMS API spells them. */
export const PUBLIC_KEY_ENCRYPTION_ALGORITHMS = ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1", "SM2", "KYBER_AES"] as const;
export type PublicKeyEncryptionAlgorithm = (typeof PUBLIC_KEY_ENCRYPTION_ALGORITHMS)[number];

/** Largest plaintexts, in bytes: RSA-2048 OAEP (k − 2·hLen − 2), SM2 (so the ASN.1 ciphertext fits the server's 256 B), Kyber_AES (as PostQuantumCryptoEncrypt). */
export const MAX_PLAINTEXT_BYTES: Readonly<Record<PublicKeyEncryptionAlgorithm, number>> = Object.freeze({
  RSAES_OAEP_SHA_256: 190,
  RSAES_OAEP_SHA_1: 214,
  SM2: 146,
  KYBER_AES: 4096,
});

export interface PublicKeyEncryptInput {
  /** The PEM (`-----BEGIN PUBLIC KEY-----`) that `GetPublicKey` returns as `PublicKeyPem`. */
  publicKey: string;
  algorithm: PublicKeyEncryptionAlgorithm;
  plaintext: Uint8Array;
  /** The CMK's KeyId (lowercase UUID): required for `"KYBER_AES"`, whose blob names its key; ignored otherwise. */
  keyId?: string;
}

/**
 * Encrypts `plaintext` to a KMS asymmetric key with its public key. Base64 of the result is the `Ciphertext` of
 * `AsymmetricRsaDecrypt` (with the same `Algorithm`), of `AsymmetricSm2Decrypt`, or the `CiphertextBlob` of
 * `PostQuantumCryptoDecrypt`.
 *
 * - `"RSAES_OAEP_SHA_256"` / `"RSAES_OAEP_SHA_1"`: RSAES-OAEP (RFC 8017 §7.1, MGF1 with the same hash, empty label)
 *   through WebCrypto; RSA key (`ASYMMETRIC_DECRYPT_RSA_2048`); output 256 B for RSA-2048; plaintext ≤ 190 / 214 B.
 * - `"SM2"`: GB/T 32918.4 public-key encryption, C1C3C2 as GM/T 0009 ASN.1 (SEQUENCE{x, y, C3, C2}); SM2 key
 *   (`ASYMMETRIC_DECRYPT_SM2`); plaintext 1..146 B, output plaintext + 104..107 B.
 * - `"KYBER_AES"`: ML-KEM-768 → HKDF-SHA-256 → AES-256-GCM (FIPS 203, RFC 5869, SP 800-38D; blob format
 *   docs/kyber-aes-blob.md); ML-KEM-768 key (`ASYMMETRIC_Encrypt_Decrypt_Kyber_AES`); `keyId` required;
 *   plaintext ≤ 4096 B, output plaintext + 1154 B.
 *
 * Randomised: two calls give different ciphertexts. SM2 and Kyber_AES load their WebAssembly on first use
 * (asynchronously; RSA needs none).
 * @returns the ciphertext bytes
 * @throws TypeError naming the field: `algorithm` unknown; `publicKey` not a PEM public key, malformed, or of a type
 *   the algorithm cannot use; `plaintext` not a Uint8Array; `keyId` missing or not a string for KYBER_AES.
 *   RangeError naming the field: `plaintext` too long (or empty for SM2); `keyId` not a lowercase UUID.
 */
export async function publicKeyEncrypt(input: PublicKeyEncryptInput): Promise<Uint8Array> {
  const args = argsObject(input, "publicKeyEncrypt");
  const algorithm = oneOf(args.algorithm, PUBLIC_KEY_ENCRYPTION_ALGORITHMS, "algorithm");
  const plaintext = bytes(args.plaintext, "plaintext");
  const max = MAX_PLAINTEXT_BYTES[algorithm];
  if (plaintext.length > max) throw new RangeError(`"plaintext" expected at most ${max} bytes for ${algorithm}, got ${plaintext.length}`);
  switch (algorithm) {
    case "RSAES_OAEP_SHA_256":
    case "RSAES_OAEP_SHA_1": {
      const key = publicKeyOf(args.publicKey, ["RSA"], algorithm);
      return oaepEncrypt(key.spki, plaintext, algorithm === "RSAES_OAEP_SHA_1" ? "SHA-1" : "SHA-256");
    }
    case "SM2": {
      const key = publicKeyOf(args.publicKey, ["SM2"], algorithm);
      if (plaintext.length === 0) throw new RangeError(`"plaintext" expected at least 1 byte for SM2, got 0`);
      const { sm2Encrypt } = await import("./_sm2.js");
      return sm2Encrypt(key.point, plaintext);
    }
    case "KYBER_AES": {
      const key = publicKeyOf(args.publicKey, ["ML-KEM-768"], algorithm);
      if (typeof args.keyId !== "string") throw new TypeError(`"keyId" is required for KYBER_AES (the CMK's KeyId), got ${typeof args.keyId}`);
      const { kyberAesEncrypt } = await import("./_kyber-aes.js");
      return kyberAesEncrypt({ keyId: args.keyId, publicKey: key.key }, plaintext);
    }
  }
}
