/**
 * VerifyByAsymmetricKey (reference §3.6): verify a signature over a RAW message or a DIGEST (32 B; 48 B for
 * ECDSA384_SHA384) with an Enabled
 * ASYMMETRIC_SIGN_VERIFY_* key. A wrong, malformed or non-DER signature gives `SignatureValid: false`, not an error.
 * Errors: MissingParameter, InvalidParameter (Algorithm, MessageType, Message, SignatureValue not base64),
 * InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}.
 */
import { z } from "zod";
import { ErrorCode, KmsError } from "../errors.js";
import { loadAsymmetricKey } from "../keys/asymmetric-key.js";
import { messageParam } from "../keys/message.js";
import { SIGN_KEY_USAGES, signatureScheme } from "../keys/signature.js";
import { decodeBase64Strict, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const verifyByAsymmetricKey = defineAction({
  name: "VerifyByAsymmetricKey",
  schema: z.strictObject({ KeyId: str, SignatureValue: str, Message: str, Algorithm: str, MessageType: str.optional() }),
  async handler(p, ctx) {
    const message = messageParam(p.Message, p.MessageType);
    const signature = decodeBase64Strict(p.SignatureValue);
    if (!signature) throw new KmsError(ErrorCode.InvalidParameter, "SignatureValue must be standard base64 with padding");
    const k = await loadAsymmetricKey(ctx, p.KeyId, SIGN_KEY_USAGES);
    const scheme = signatureScheme(p.Algorithm, k.key.keyUsage, message);
    let valid: boolean;
    try {
      valid = scheme.verify(k.spki, signature);
    } catch {
      valid = false;
    }
    return { SignatureValid: valid };
  },
});
