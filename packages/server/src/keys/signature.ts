/**
 * Signature algorithms of SignByAsymmetricKey / VerifyByAsymmetricKey (reference §4.2), each bound to the one key
 * usage it fits:
 * - `SM2DSA` (ASYMMETRIC_SIGN_VERIFY_SM2): GB/T 32918.2 with SM3; RAW uses Z_A with ID `1234567812345678`; DIGEST is
 *   the 32-byte e = SM3(Z_A ‖ M); signature DER SEQUENCE{r, s}.
 * - `ECC_P256_R1` (ASYMMETRIC_SIGN_VERIFY_ECC): ECDSA P-256 with SHA-256 (FIPS 186-5), DER signature.
 * - `RSA_PSS_SHA_256` (ASYMMETRIC_SIGN_VERIFY_RSA_2048): RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 B (RFC 8017 §8.1).
 * - `RSA_PKCS1_SHA_256` (ASYMMETRIC_SIGN_VERIFY_RSA_2048): RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).
 */
import * as ecdsa from "@openkms/crypto/ecdsa-p256";
import * as pkcs1 from "@openkms/crypto/rsassa-pkcs1v15";
import * as pss from "@openkms/crypto/rsassa-pss";
import * as sm2 from "@openkms/crypto/sm2";
import { parsePublicKey } from "@openkms/crypto/spki";
import { ErrorCode, KmsError } from "../errors.js";
import type { MessageType } from "./message.js";

interface SignatureScheme {
  keyUsage: string;
  sign(secret: Uint8Array, message: Uint8Array, type: MessageType): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, type: MessageType, signature: Uint8Array): boolean;
}

/** The raw public key (65-byte point for EC, SPKI DER for RSA) from the stored SPKI. */
function rawPublicKey(spki: Uint8Array): Uint8Array {
  const parsed = parsePublicKey(spki);
  return parsed.type === "RSA" ? spki : parsed.publicKey;
}

const schemes: Record<string, SignatureScheme> = {
  SM2DSA: {
    keyUsage: "ASYMMETRIC_SIGN_VERIFY_SM2",
    sign: (sk, m, t) => (t === "DIGEST" ? sm2.signDigest(sk, m) : sm2.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? sm2.verifyDigest(pk, m, s) : sm2.verify(pk, m, s)),
  },
  ECC_P256_R1: {
    keyUsage: "ASYMMETRIC_SIGN_VERIFY_ECC",
    sign: (sk, m, t) => (t === "DIGEST" ? ecdsa.signDigest(sk, m) : ecdsa.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? ecdsa.verifyDigest(pk, m, s) : ecdsa.verify(pk, m, s)),
  },
  RSA_PSS_SHA_256: {
    keyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
    sign: (sk, m, t) => (t === "DIGEST" ? pss.signDigest(sk, m) : pss.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? pss.verifyDigest(pk, m, s) : pss.verify(pk, m, s)),
  },
  RSA_PKCS1_SHA_256: {
    keyUsage: "ASYMMETRIC_SIGN_VERIFY_RSA_2048",
    sign: (sk, m, t) => (t === "DIGEST" ? pkcs1.signDigest(sk, m) : pkcs1.sign(sk, m)),
    verify: (pk, m, t, s) => (t === "DIGEST" ? pkcs1.verifyDigest(pk, m, s) : pkcs1.verify(pk, m, s)),
  },
};

export const SIGNATURE_ALGORITHMS = Object.keys(schemes);

/**
 * The scheme for `algorithm`, checked against the key's usage.
 * @throws KmsError InvalidParameter (unknown algorithm, or one that does not fit the key)
 */
export function signatureScheme(algorithm: string, keyUsage: string): { sign: SignatureScheme["sign"]; verify(spki: Uint8Array, m: Uint8Array, t: MessageType, s: Uint8Array): boolean } {
  const scheme = schemes[algorithm];
  if (!scheme) throw new KmsError(ErrorCode.InvalidParameter, `Algorithm must be one of ${SIGNATURE_ALGORITHMS.join(", ")}, got ${algorithm}`);
  if (scheme.keyUsage !== keyUsage) throw new KmsError(ErrorCode.InvalidParameter, `Algorithm ${algorithm} does not fit a key of usage ${keyUsage}`);
  return { sign: scheme.sign, verify: (spki, m, t, s) => scheme.verify(rawPublicKey(spki), m, t, s) };
}
