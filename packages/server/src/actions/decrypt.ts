/**
 * Decrypt (reference §3.3): open a CiphertextBlob (no KeyId: the blob names its key and version). With
 * EncryptionPublicKey the plaintext comes back encrypted to that key.
 * Errors: MissingParameter, InvalidParameter (EncryptionContext, EncryptionAlgorithm),
 * InvalidParameterValue.InvalidCiphertext (malformed, tampered, truncated, wrong or missing context),
 * ResourceUnavailable.{CmkNotFound, CmkDisabled, CmkStateNotSupport}, FailedOperation.EncryptionError.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { ErrorCode, KmsError } from "../errors.js";
import { canonicalEncryptionContext } from "../keys/encryption-context.js";
import { openBlob } from "../keys/symmetric.js";
import { plaintextForCaller, rewrapRequest } from "../keys/rewrap.js";
import { decodeBase64Strict, encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

/** Decode the CiphertextBlob parameter; malformed base64 is `InvalidParameterValue.InvalidCiphertext`. */
export function blobParam(text: string, field = "CiphertextBlob"): Uint8Array {
  const bytes = decodeBase64Strict(text);
  if (!bytes || bytes.length === 0) throw new KmsError(ErrorCode.InvalidParameterValueInvalidCiphertext, `${field} must be standard base64 with padding`);
  return bytes;
}

export const decrypt = defineAction({
  name: "Decrypt",
  schema: z.strictObject({
    CiphertextBlob: str, EncryptionContext: str.optional(), EncryptionPublicKey: str.optional(), EncryptionAlgorithm: str.optional(),
  }),
  async handler(p, ctx) {
    const blob = blobParam(p.CiphertextBlob);
    const context = canonicalEncryptionContext(p.EncryptionContext);
    const rewrap = rewrapRequest(p.EncryptionPublicKey, p.EncryptionAlgorithm); // validated before decrypting
    const opened = await openBlob(ctx, blob, context);
    try {
      const out = plaintextForCaller(opened.plaintext, rewrap);
      return { KeyId: opened.key.keyId, Plaintext: encodeBase64(out) };
    } finally {
      wipe(opened.plaintext);
    }
  },
});
