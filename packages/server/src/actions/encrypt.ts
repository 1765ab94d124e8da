/**
 * Encrypt (reference §3.3): seal up to 4096 bytes under a symmetric CMK; returns a CiphertextBlob (SPEC §2).
 * Errors: MissingParameter, InvalidParameter (EncryptionContext), InvalidParameterValue.{InvalidKeyId, InvalidPlaintext,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkDisabled, CmkArchived, CmkStateNotSupport}.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { ErrorCode, KmsError } from "../errors.js";
import { canonicalEncryptionContext } from "../keys/encryption-context.js";
import { checkKeyId, loadKey, requireEncryptable, requireSymmetric } from "../keys/key-access.js";
import { sealUnderKey } from "../keys/symmetric.js";
import { decodeBase64Strict, encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const MAX_PLAINTEXT_BYTES = 4096;

export const encrypt = defineAction({
  name: "Encrypt",
  schema: z.strictObject({ KeyId: str, Plaintext: str, EncryptionContext: str.optional() }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    const plaintext = decodeBase64Strict(p.Plaintext);
    if (!plaintext) throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, "Plaintext must be standard base64 with padding");
    try {
      if (plaintext.length === 0) throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, "Plaintext must not be empty");
      if (plaintext.length > MAX_PLAINTEXT_BYTES) {
        throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, `Plaintext may be at most ${MAX_PLAINTEXT_BYTES} bytes, got ${plaintext.length}`);
      }
      const context = canonicalEncryptionContext(p.EncryptionContext);
      const key = await loadKey(ctx, keyId);
      requireSymmetric(key);
      requireEncryptable(key);
      const blob = await sealUnderKey(ctx, key, plaintext, context);
      return { CiphertextBlob: encodeBase64(blob), KeyId: key.keyId };
    } finally {
      wipe(plaintext);
    }
  },
});
