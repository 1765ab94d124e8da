/**
 * Signature algorithms of SignByAsymmetricKey / VerifyByAsymmetricKey (reference §4.2), each bound to the one key
 * usage it fits:
 * - `SM2DSA` (ASYMMETRIC_SIGN_VERIFY_SM2): GB/T 32918.2 with SM3; RAW uses Z_A with ID `1234567812345678`; DIGEST is
 *   the 32-byte e = SM3(Z_A ‖ M); signature DER SEQUENCE{r, s}.
 * - `ECC_P256_R1` (ASYMMETRIC_SIGN_VERIFY_ECC): ECDSA P-256 with SHA-256 (FIPS 186-5), DER signature.
 * - `ECDSA384_SHA384` (ASYMMETRIC_SIGN_VERIFY_ECDSA384): ECDSA P-384 with SHA-384 (FIPS 186-5); DIGEST is the
 *   48-byte SHA-384; DER signature.
 * - `RSA_PSS_SHA_256` (ASYMMETRIC_SIGN_VERIFY_RSA_2048 and _RSA_3072): RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 B
 *   (RFC 8017 §8.1).
 * - `RSA_PKCS1_SHA_256` (ASYMMETRIC_SIGN_VERIFY_RSA_2048 and _RSA_3072): RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).
 * DIGEST is 32 bytes except for ECDSA384_SHA384 (48).
 */
import * as ecdsa from "@openkms/crypto/ecdsa-p256";
import * as ecdsaP384 from "@openkms/crypto/ecdsa-p384";
import * as pkcs1 from "@openkms/crypto/rsassa-pkcs1v15";
import * as pss from "@openkms/crypto/rsassa-pss";
import * as sm2 from "@openkms/crypto/sm2";
import { parsePublicKey } from "@openkms/crypto/spki";
import { ErrorCode, KmsError } from "../errors.js";
import type { MessageType } from "./message.js";

interface SignatureScheme {
  keyUsages: readonly string[];
  /** Length of a DIGEST message in bytes. */
  digestBytes: number;
  sign(secret: Uint8Array, message: Uint8Array, type: MessageType): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, type: MessageType, signature: Uint8Array): boolean;
}

/** The raw public key (65- or 97-byte point for EC, SPKI DER for RSA) from the stored SPKI. */
function rawPublicKey(spki: Uint8Array): Uint8Array {
  const parsed = parsePublicKey(spki);
  return parsed.type === "RSA" ? spki : parsed.publicKey;
}

const RSA_SIGN_USAGES = ["ASYMMETRIC_SIGN_VERIFY_RSA_2048", "ASYMMETRIC_SIGN_VERIFY_RSA_3072"];

const schemes: Record<string, SignatureScheme> = {
  SM2DSA: {
    keyUsages: ["ASYMMETRIC_SIGN_VERIFY_SM2"],
    digestBytes: 32,
    sign: (sk, m, t) => (t === "DIGEST" ? sm2.signDigest(sk, m) : sm2.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? sm2.verifyDigest(pk, m, s) : sm2.verify(pk, m, s)),
  },
  ECC_P256_R1: {
    keyUsages: ["ASYMMETRIC_SIGN_VERIFY_ECC"],
    digestBytes: 32,
    sign: (sk, m, t) => (t === "DIGEST" ? ecdsa.signDigest(sk, m) : ecdsa.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? ecdsa.verifyDigest(pk, m, s) : ecdsa.verify(pk, m, s)),
  },
  ECDSA384_SHA384: {
    keyUsages: ["ASYMMETRIC_SIGN_VERIFY_ECDSA384"],
    digestBytes: ecdsaP384.lengths.digest,
    sign: (sk, m, t) => (t === "DIGEST" ? ecdsaP384.signDigest(sk, m) : ecdsaP384.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? ecdsaP384.verifyDigest(pk, m, s) : ecdsaP384.verify(pk, m, s)),
  },
  RSA_PSS_SHA_256: {
    keyUsages: RSA_SIGN_USAGES,
    digestBytes: 32,
    sign: (sk, m, t) => (t === "DIGEST" ? pss.signDigest(sk, m) : pss.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? pss.verifyDigest(pk, m, s) : pss.verify(pk, m, s)),
  },
  RSA_PKCS1_SHA_256: {
    keyUsages: RSA_SIGN_USAGES,
    digestBytes: 32,
    sign: (sk, m, t) => (t === "DIGEST" ? pkcs1.signDigest(sk, m) : pkcs1.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? pkcs1.verifyDigest(pk, m, s) : pkcs1.verify(pk, m, s)),
  },
};

export const SIGNATURE_ALGORITHMS = Object.keys(schemes);

/** Every key usage some signature algorithm fits (SignByAsymmetricKey / VerifyByAsymmetricKey take these). */
export const SIGN_KEY_USAGES = [...new Set(Object.values(schemes).flatMap((s) => s.keyUsages))];

/**
 * The scheme for `algorithm`, checked against the key's usage, and the message against the scheme's DIGEST length.
 * @throws KmsError InvalidParameter (unknown algorithm, one that does not fit the key, a DIGEST of the wrong length)
 */
export function signatureScheme(algorithm: string, keyUsage: string, message: { type: MessageType; bytes: Uint8Array }): { sign(secret: Uint8Array): Uint8Array; verify(spki: Uint8Array, s: Uint8Array): boolean } {
  const scheme = schemes[algorithm];
  if (!scheme) throw new KmsError(ErrorCode.InvalidParameter, `Algorithm must be one of ${SIGNATURE_ALGORITHMS.join(", ")}, got ${algorithm}`);
  if (!scheme.keyUsages.includes(keyUsage)) throw new KmsError(ErrorCode.InvalidParameter, `Algorithm ${algorithm} does not fit a key of usage ${keyUsage}`);
  if (message.type === "DIGEST" && message.bytes.length !== scheme.digestBytes) {
    throw new KmsError(ErrorCode.InvalidParameter, `A DIGEST Message for ${algorithm} must be ${scheme.digestBytes} bytes, got ${message.bytes.length}`);
  }
  return {
    sign: (secret) => scheme.sign(secret, message.bytes, message.type),
    verify: (spki, s) => scheme.verify(rawPublicKey(spki), message.bytes, message.type, s),
  };
}
