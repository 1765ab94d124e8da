/**
 * PostQuantumCryptoDecrypt (reference §3.7): open a Kyber_AES blob (docs/kyber-aes-blob.md) — from
 * PostQuantumCryptoEncrypt or made locally from the public key — and return `PlainText` (capital T). No KeyId: the
 * blob names its CMK. With EncryptionPublicKey the plaintext comes back encrypted to that key (as Decrypt does).
 * Errors: MissingParameter, UnknownParameter, InvalidParameter (EncryptionPublicKey / EncryptionAlgorithm),
 * InvalidParameterValue.InvalidCiphertext (bad base64, malformed, tampered, another key's blob, a blob naming a
 * non-Kyber key), ResourceUnavailable.{CmkNotFound, CmkDisabled, CmkStateNotSupport}, FailedOperation.EncryptionError.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { decrypt as kyberAesDecrypt, isDecryptionError, parseBlob } from "@openkms/crypto/kyber-aes";
import { ml_kem768 } from "@openkms/crypto/ml-kem";
import { ErrorCode, KmsError } from "../errors.js";
import { loadKey, requireDecryptable } from "../keys/key-access.js";
import { KYBER_AES_KEY_USAGE, requireKeyUsage, withPqcSeed } from "../keys/pqc-keys.js";
import { plaintextForCaller, rewrapRequest } from "../keys/rewrap.js";
import { encodeBase64, str } from "../protocol/params.js";
import { blobParam } from "./decrypt.js";
import { defineAction } from "./define.js";

const invalid = () => new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, "CiphertextBlob does not decrypt: it is malformed, was altered, or belongs to another key");

export const postQuantumCryptoDecrypt = defineAction({
  name: "PostQuantumCryptoDecrypt",
  schema: z.strictObject({ CiphertextBlob: str, EncryptionPublicKey: str.optional(), EncryptionAlgorithm: str.optional() }),
  async handler(p, ctx) {
    const blob = blobParam(p.CiphertextBlob);
    const rewrap = rewrapRequest(p.EncryptionPublicKey, p.EncryptionAlgorithm); // validated before decrypting
    let keyId: string;
    try {
      keyId = parseBlob(blob).keyId;
    } catch {
      throw invalid();
    }
    const key = await loadKey(ctx, keyId);
    requireKeyUsage(key, KYBER_AES_KEY_USAGE, "InvalidCiphertext");
    requireDecryptable(key);
    const plaintext = await withPqcSeed(ctx, key, (seed) => {
      const { decapsulationKey, encapsulationKey } = ml_kem768.keygen(seed);
      try {
        return kyberAesDecrypt(decapsulationKey, blob);
      } catch (err) {
        if (isDecryptionError(err)) throw invalid();
        throw err;
      } finally {
        wipe(decapsulationKey, encapsulationKey);
      }
    });
    try {
      return { KeyId: key.keyId, PlainText: encodeBase64(plaintextForCaller(plaintext, rewrap)) };
    } finally {
      wipe(plaintext);
    }
  },
});
