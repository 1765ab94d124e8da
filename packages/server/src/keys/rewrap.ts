/**
 * `EncryptionPublicKey` + `EncryptionAlgorithm` on Decrypt / GenerateDataKey (reference §3.3–3.4): the plaintext is
 * returned encrypted to the caller's RSA-2048 or SM2 public key instead of in the clear.
 */
import { ErrorCode, KmsError } from "../errors.js";

export const ENCRYPTION_ALGORITHMS = ["SM2", "SM2_C1C3C2_ASN1", "RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] as const;

/**
 * The bytes to return as `Plaintext`: `plaintext` itself when no public key is given, else it encrypted to that key.
 * @throws KmsError InvalidParameter (EncryptionAlgorithm not one of ENCRYPTION_ALGORITHMS, or given without a key);
 *   UnsupportedOperation until asymmetric re-wrapping is built
 */
export function plaintextForCaller(plaintext: Uint8Array, publicKeyPem: string | undefined, algorithm: string | undefined): Uint8Array {
  if (algorithm !== undefined && algorithm !== "" && !(ENCRYPTION_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new KmsError(ErrorCode.InvalidParameter, `EncryptionAlgorithm must be one of ${ENCRYPTION_ALGORITHMS.join(", ")}`);
  }
  if (publicKeyPem === undefined || publicKeyPem === "") {
    if (algorithm) throw new KmsError(ErrorCode.InvalidParameter, "EncryptionAlgorithm needs EncryptionPublicKey");
    return plaintext;
  }
  throw new KmsError(ErrorCode.UnsupportedOperation, "EncryptionPublicKey re-wrapping is not supported by this server yet");
}
