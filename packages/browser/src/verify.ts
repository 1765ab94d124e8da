/**
 * `@openkms/browser/verify` — verify, in the page, a signature the KMS made, with the key's public key.
 */
import { verifyAsync as ecdsaVerify, verifyDigest as ecdsaVerifyDigest } from "@openkms/crypto/ecdsa-p256";
import { pkcs1Verify, pkcs1VerifyDigest, pssVerify, pssVerifyDigest } from "@openkms/crypto/rsa-public";
import { argsObject, bytes, oneOf, publicKeyOf } from "./_args.js";

/** The algorithms of {@link verifySignature}, spelled as the KMS API spells them. */
export const SIGNATURE_ALGORITHMS = ["SM2DSA", "ECC_P256_R1", "RSA_PSS_SHA_256", "RSA_PKCS1_SHA_256", "ML_DSA_65"] as const;
export type VerifySignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];
export const MESSAGE_TYPES = ["RAW", "DIGEST"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface VerifySignatureInput {
  /** The PEM (`-----BEGIN PUBLIC KEY-----`) that `GetPublicKey` returns as `PublicKeyPem`. */
  publicKey: string;
  algorithm: VerifySignatureAlgorithm;
  /** The message (`"RAW"`), or its 32-byte digest (`"DIGEST"`), as given to the signing action. */
  message: Uint8Array;
  messageType: MessageType;
  /** The signature bytes (base64-decoded `Signature`). */
  signature: Uint8Array;
}

/**
 * Verifies what `SignByAsymmetricKey` or `PostQuantumCryptoSign` produced, with the key's public key.
 *
 * - `"SM2DSA"`: GB/T 32918.2 with SM3; RAW hashes Z_A (ID `1234567812345678`) ‖ M; DIGEST is the 32-byte
 *   e = SM3(Z_A ‖ M); signature DER SEQUENCE{r, s} (≤ 72 B).
 * - `"ECC_P256_R1"`: ECDSA P-256 / SHA-256 (FIPS 186-5) through WebCrypto (RAW) or `@noble/curves` (DIGEST =
 *   SHA-256(M), 32 B); DER signature.
 * - `"RSA_PSS_SHA_256"`: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 (RFC 8017 §8.1); `"RSA_PKCS1_SHA_256"`:
 *   RSASSA-PKCS1-v1_5 with SHA-256 (§8.2). RAW through WebCrypto; DIGEST (SHA-256(M), 32 B) verified here.
 *   Signature 256 B for RSA-2048.
 * - `"ML_DSA_65"`: FIPS 204 ML-DSA-65, pure, empty context; RAW only; signature 3309 B; public key 1952 B inside
 *   the SPKI.
 *
 * @returns true for a valid signature; false for any invalid one (wrong bytes, wrong length, not DER, another key's)
 * @throws TypeError naming the field: `algorithm` / `messageType` unknown, `messageType` `"DIGEST"` with ML_DSA_65;
 *   `publicKey` not a PEM public key, malformed, or of a type the algorithm cannot use; `message` / `signature` not
 *   Uint8Array. RangeError: a `"DIGEST"` `message` that is not 32 bytes.
 */
export async function verifySignature(input: VerifySignatureInput): Promise<boolean> {
  const args = argsObject(input, "verifySignature");
  const algorithm = oneOf(args.algorithm, SIGNATURE_ALGORITHMS, "algorithm");
  const messageType = oneOf(args.messageType, MESSAGE_TYPES, "messageType");
  const message = bytes(args.message, "message");
  const signature = bytes(args.signature, "signature");
  const digest = messageType === "DIGEST";
  if (digest && algorithm === "ML_DSA_65") throw new TypeError(`"messageType" must be "RAW" for ML_DSA_65 (pure ML-DSA signs the message itself)`);
  if (digest && message.length !== 32) throw new RangeError(`"message" expected a 32-byte digest for messageType "DIGEST", got ${message.length} bytes`);
  switch (algorithm) {
    case "SM2DSA": {
      const key = publicKeyOf(args.publicKey, ["SM2"], algorithm);
      const { sm2Verify } = await import("./_sm2.js");
      return sm2Verify(key.point, message, digest, signature);
    }
    case "ECC_P256_R1": {
      const key = publicKeyOf(args.publicKey, ["P-256"], algorithm);
      return digest ? ecdsaVerifyDigest(key.point, message, signature) : ecdsaVerify(key.point, message, signature);
    }
    case "RSA_PSS_SHA_256": {
      const key = publicKeyOf(args.publicKey, ["RSA"], algorithm);
      return digest ? pssVerifyDigest(key.spki, message, signature) : pssVerify(key.spki, message, signature);
    }
    case "RSA_PKCS1_SHA_256": {
      const key = publicKeyOf(args.publicKey, ["RSA"], algorithm);
      return digest ? pkcs1VerifyDigest(key.spki, message, signature) : pkcs1Verify(key.spki, message, signature);
    }
    case "ML_DSA_65": {
      const key = publicKeyOf(args.publicKey, ["ML-DSA-65"], algorithm);
      const { mlDsaVerify } = await import("./_ml-dsa.js");
      return mlDsaVerify(key.key, message, signature);
    }
  }
}
