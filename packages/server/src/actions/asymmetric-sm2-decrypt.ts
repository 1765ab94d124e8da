/**
 * AsymmetricSm2Decrypt (reference §3.5): decrypt an SM2 ciphertext (GB/T 32918.4) in C1C3C2 ASN.1 form
 * (GM/T 0009: SEQUENCE{INTEGER x, INTEGER y, OCTET STRING C3, OCTET STRING C2}), at most 256 bytes. C1 must be on the
 * curve and C3 must match before any plaintext is released.
 * Errors: MissingParameter, InvalidParameter (bad base64, > 256 bytes), InvalidParameterValue.{InvalidKeyId,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}, FailedOperation.DecryptError.
 */
import { z } from "zod";
import * as sm2 from "@openkms/crypto/sm2";
import { ErrorCode, KmsError } from "../errors.js";
import { decryptResponse, loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { decodeBase64Strict, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const MAX_SM2_CIPHERTEXT_BYTES = 256;

export const asymmetricSm2Decrypt = defineAction({
  name: "AsymmetricSm2Decrypt",
  schema: z.strictObject({ KeyId: str, Ciphertext: str }),
  async handler(p, ctx) {
    const ciphertext = decodeBase64Strict(p.Ciphertext);
    if (!ciphertext || ciphertext.length === 0) throw new KmsError(ErrorCode.InvalidParameter, "Ciphertext must be non-empty standard base64 with padding");
    if (ciphertext.length > MAX_SM2_CIPHERTEXT_BYTES) {
      throw new KmsError(ErrorCode.InvalidParameter, `Ciphertext may be at most ${MAX_SM2_CIPHERTEXT_BYTES} bytes, got ${ciphertext.length}`);
    }
    const k = await loadAsymmetricKey(ctx, p.KeyId, ["ASYMMETRIC_DECRYPT_SM2"], { decrypt: true });
    return decryptResponse(ctx, k, (secret) => sm2.decrypt(secret, ciphertext, "C1C3C2_ASN1"));
  },
});
