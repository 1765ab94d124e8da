/**
 * `EncryptionPublicKey` + `EncryptionAlgorithm` on Decrypt / GenerateDataKey / PostQuantumCryptoDecrypt (reference
 * §3.3–3.4, §3.7): the plaintext is returned encrypted to the caller's RSA-2048 or SM2 public key instead of in the
 * clear, by `@openkms/crypto/encrypt-to`. `EncryptionAlgorithm` defaults to `SM2` (C1C3C2) when a key is given.
 */
import { encryptTo, type EncryptionAlgorithm } from "@openkms/crypto/encrypt-to";
import { parsePublicKeyPem } from "@openkms/crypto/spki";
import { ErrorCode, KmsError } from "../errors.js";

export const ENCRYPTION_ALGORITHMS = ["SM2", "SM2_C1C3C2_ASN1", "RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] as const;

/** Checks the public key fits the algorithm: SM2 algorithms need an SM2 key, RSAES_* an RSA-2048 key. */
function checkKey(publicKeyPem: string, algorithm: EncryptionAlgorithm): void {
  let key: ReturnType<typeof parsePublicKeyPem>;
  try {
    key = parsePublicKeyPem(publicKeyPem);
  } catch {
    throw new KmsError(ErrorCode.InvalidParameter, "EncryptionPublicKey must be a PEM RSA-2048 or SM2 public key");
  }
  const sm2 = algorithm === "SM2" || algorithm === "SM2_C1C3C2_ASN1";
  if (sm2 ? key.type !== "SM2" : key.type !== "RSA" || key.bits !== 2048) {
    throw new KmsError(ErrorCode.InvalidParameter, `EncryptionAlgorithm ${algorithm} needs ${sm2 ? "an SM2" : "an RSA-2048"} EncryptionPublicKey`);
  }
}

/**
 * The bytes to return as `Plaintext`: `plaintext` itself when no public key is given, else it encrypted to that key.
 * Called once with an empty plaintext to validate the parameters before any decryption (nothing is encrypted then).
 * @throws KmsError InvalidParameter (unknown EncryptionAlgorithm, EncryptionAlgorithm without a key, a key that is
 *   not a PEM RSA-2048 / SM2 public key or does not fit the algorithm); FailedOperation.EncryptionError when the
 *   plaintext does not fit the algorithm (e.g. more than 190 bytes for RSAES_OAEP_SHA_256)
 */
export function plaintextForCaller(plaintext: Uint8Array, publicKeyPem: string | undefined, algorithm: string | undefined): Uint8Array {
  if (algorithm !== undefined && algorithm !== "" && !(ENCRYPTION_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new KmsError(ErrorCode.InvalidParameter, `EncryptionAlgorithm must be one of ${ENCRYPTION_ALGORITHMS.join(", ")}`);
  }
  if (publicKeyPem === undefined || publicKeyPem === "") {
    if (algorithm) throw new KmsError(ErrorCode.InvalidParameter, "EncryptionAlgorithm needs EncryptionPublicKey");
    return plaintext;
  }
  const alg = (algorithm || "SM2") as EncryptionAlgorithm;
  checkKey(publicKeyPem, alg);
  if (plaintext.length === 0) return plaintext;
  try {
    return encryptTo(publicKeyPem, alg, plaintext);
  } catch {
    throw new KmsError(ErrorCode.FailedOperationEncryptionError, `The plaintext cannot be encrypted with ${alg} to the given EncryptionPublicKey`);
  }
}
