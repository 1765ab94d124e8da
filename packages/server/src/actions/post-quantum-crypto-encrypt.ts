/**
 * PostQuantumCryptoEncrypt (reference §3.7): encrypt up to 4096 bytes (field `PlainText`, capital T) to an
 * `ASYMMETRIC_Encrypt_Decrypt_Kyber_AES` CMK with the Kyber_AES KEM-DEM (ML-KEM-768 → HKDF-SHA-256 → AES-256-GCM;
 * blob format docs/kyber-aes-blob.md). Only the key's public key is used: a blob made locally from GetPublicKey's
 * output is the same kind of blob.
 * Errors: MissingParameter, UnknownParameter, InvalidParameter, InvalidParameterValue.{InvalidKeyId,
 * InvalidPlaintext (bad base64, empty, over 4096 bytes), InvalidKeyUsage (not a Kyber_AES key)},
 * ResourceUnavailable.{CmkNotFound, CmkDisabled, CmkArchived, CmkStateNotSupport}.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { encrypt as kyberAesEncrypt } from "@openkms/crypto/kyber-aes";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey, requireEncryptable } from "../keys/key-access.js";
import { KYBER_AES_KEY_USAGE, pqcPublicKey, requireKeyUsage } from "../keys/pqc-keys.js";
import { decodeBase64Strict, encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const MAX_PQC_PLAINTEXT_BYTES = 4096;

export const postQuantumCryptoEncrypt = defineAction({
  name: "PostQuantumCryptoEncrypt",
  schema: z.strictObject({ KeyId: str, PlainText: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    const plaintext = decodeBase64Strict(p.PlainText);
    if (!plaintext) throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, "PlainText must be standard base64 with padding");
    try {
      if (plaintext.length === 0) throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, "PlainText must not be empty");
      if (plaintext.length > MAX_PQC_PLAINTEXT_BYTES) {
        throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, `PlainText may be at most ${MAX_PQC_PLAINTEXT_BYTES} bytes, got ${plaintext.length}`);
      }
      const key = await loadKey(ctx, keyId);
      requireKeyUsage(key, KYBER_AES_KEY_USAGE);
      requireEncryptable(key);
      const blob = kyberAesEncrypt({ keyId: key.keyId, publicKey: await pqcPublicKey(ctx, key) }, plaintext);
      return { CiphertextBlob: encodeBase64(blob), KeyId: key.keyId };
    } finally {
      wipe(plaintext);
    }
  },
});
