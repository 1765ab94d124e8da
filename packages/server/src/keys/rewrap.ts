/**
 * `EncryptionPublicKey` + `EncryptionAlgorithm` on Decrypt / GenerateDataKey (reference §3.3–3.4, SPEC §2): the
 * plaintext is returned encrypted to the caller's RSA-2048 or SM2 public key (PEM) instead of in the clear.
 * Algorithm default `SM2` (raw C1C3C2, C1 = x ‖ y without 0x04); also `SM2_C1C3C2_ASN1`, `RSAES_PKCS1_V1_5`,
 * `RSAES_OAEP_SHA_1`, `RSAES_OAEP_SHA_256`.
 */
import { encryptTo, ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm } from "@openkms/crypto/encrypt-to";
import { parsePublicKeyPem } from "@openkms/crypto/spki";
import { ErrorCode, KmsError } from "../errors.js";

export interface RewrapRequest {
  publicKeyPem: string;
  algorithm: EncryptionAlgorithm;
}

/**
 * Validate the pair before anything is decrypted or generated.
 * @returns undefined when no EncryptionPublicKey is given (plaintext goes back in the clear)
 * @throws KmsError InvalidParameter (unknown EncryptionAlgorithm; an algorithm without a key);
 *   FailedOperation.EncryptionError (a PEM that does not parse, is not RSA-2048 / SM2, or does not fit the algorithm)
 */
export function rewrapRequest(publicKeyPem: string | undefined, algorithm: string | undefined): RewrapRequest | undefined {
  const alg = algorithm === undefined || algorithm === "" ? undefined : algorithm;
  if (alg !== undefined && !(ENCRYPTION_ALGORITHMS as readonly string[]).includes(alg)) {
    throw new KmsError(ErrorCode.InvalidParameter, `EncryptionAlgorithm must be one of ${ENCRYPTION_ALGORITHMS.join(", ")}, got ${alg}`);
  }
  if (publicKeyPem === undefined || publicKeyPem === "") {
    if (alg) throw new KmsError(ErrorCode.InvalidParameter, "EncryptionAlgorithm needs EncryptionPublicKey");
    return undefined;
  }
  const chosen = (alg ?? "SM2") as EncryptionAlgorithm;
  let parsed;
  try {
    parsed = parsePublicKeyPem(publicKeyPem);
  } catch {
    throw new KmsError(ErrorCode.FailedOperationEncryptionError, "EncryptionPublicKey is not a PEM public key");
  }
  const wantsSm2 = chosen === "SM2" || chosen === "SM2_C1C3C2_ASN1";
  if (wantsSm2 ? parsed.type !== "SM2" : parsed.type !== "RSA" || parsed.bits !== 2048) {
    throw new KmsError(ErrorCode.FailedOperationEncryptionError, `EncryptionAlgorithm ${chosen} needs ${wantsSm2 ? "an SM2" : "an RSA-2048"} EncryptionPublicKey, got ${parsed.type}`);
  }
  return { publicKeyPem, algorithm: chosen };
}

/**
 * The bytes to return as `Plaintext`: `plaintext` itself, or it encrypted to the caller's key.
 * @throws KmsError FailedOperation.EncryptionError when the plaintext does not fit the key (e.g. > 190 B for OAEP-SHA-256)
 */
export function plaintextForCaller(plaintext: Uint8Array, rewrap: RewrapRequest | undefined): Uint8Array {
  if (!rewrap) return plaintext;
  try {
    return encryptTo(rewrap.publicKeyPem, rewrap.algorithm, plaintext);
  } catch (e) {
    throw new KmsError(ErrorCode.FailedOperationEncryptionError, `Could not encrypt the plaintext to EncryptionPublicKey: ${(e as Error).message}`);
  }
}
