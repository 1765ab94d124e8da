/**
 * Encrypt to a caller's PEM public key: the re-wrap of `Decrypt` / `GenerateDataKey` / `GetDataKeyPlaintext` with
 * `EncryptionPublicKey` + `EncryptionAlgorithm` (Tencent KMS; RSA-2048 or SM2 keys only).
 *
 * | algorithm            | key      | output (bytes)                                              |
 * | -------------------- | -------- | ----------------------------------------------------------- |
 * | `SM2`                | SM2      | raw C1C3C2, C1 = x ‖ y without 0x04: plaintext + 96          |
 * | `SM2_C1C3C2_ASN1`    | SM2      | GM/T 0009 SEQUENCE{x, y, C3, C2}                              |
 * | `RSAES_PKCS1_V1_5`   | RSA-2048 | 256 (plaintext ≤ 245)                                        |
 * | `RSAES_OAEP_SHA_1`   | RSA-2048 | 256 (plaintext ≤ 214)                                        |
 * | `RSAES_OAEP_SHA_256` | RSA-2048 | 256 (plaintext ≤ 190)                                        |
 *
 * Errors: a PEM that does not parse, is not RSA-2048 / SM2, or does not fit the algorithm → `InvalidKeyError`
 * (code `INVALID_KEY`); an unknown algorithm → `TypeError`; a plaintext too long for the key or empty → `RangeError`.
 */
import { InvalidKeyError } from "./_errors.js";
import * as oaep from "./rsaes-oaep.js";
import * as pkcs1 from "./rsaes-pkcs1v15.js";
import * as sm2 from "./sm2.js";
import { parsePublicKeyPem } from "./spki.js";

export { InvalidKeyError, isInvalidKeyError } from "./_errors.js";

/** The `EncryptionAlgorithm` values. */
export const ENCRYPTION_ALGORITHMS = Object.freeze([
  "SM2",
  "SM2_C1C3C2_ASN1",
  "RSAES_PKCS1_V1_5",
  "RSAES_OAEP_SHA_1",
  "RSAES_OAEP_SHA_256",
] as const);
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

/**
 * Encrypt `plaintext` to `publicKeyPem` with `algorithm` (see the table above).
 * @param publicKeyPem PEM `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY`; RSA must be 2048-bit
 * @param algorithm one of {@link ENCRYPTION_ALGORITHMS}
 * @param plaintext ≥ 1 byte, within the algorithm's limit
 */
export function encryptTo(publicKeyPem: string, algorithm: EncryptionAlgorithm, plaintext: Uint8Array): Uint8Array {
  if (!ENCRYPTION_ALGORITHMS.includes(algorithm)) throw new TypeError(`"algorithm" unknown: ${String(algorithm)}`);
  const key = parsePublicKeyPem(publicKeyPem);
  if (algorithm === "SM2" || algorithm === "SM2_C1C3C2_ASN1") {
    if (key.type !== "SM2") throw new InvalidKeyError(`${algorithm} needs an SM2 public key, got ${key.type}`);
    return sm2.encrypt(key.publicKey, plaintext, algorithm === "SM2" ? "C1C3C2" : "C1C3C2_ASN1");
  }
  if (key.type !== "RSA" || key.bits !== 2048) {
    throw new InvalidKeyError(`${algorithm} needs an RSA-2048 public key, got ${key.type === "RSA" ? `RSA-${key.bits}` : key.type}`);
  }
  if (plaintext.length === 0) throw new RangeError('"plaintext" expected at least 1 byte, got 0');
  if (algorithm === "RSAES_PKCS1_V1_5") return pkcs1.encrypt(key.publicKey, plaintext);
  return oaep.encrypt(key.publicKey, plaintext, algorithm === "RSAES_OAEP_SHA_1" ? "SHA-1" : "SHA-256");
}
