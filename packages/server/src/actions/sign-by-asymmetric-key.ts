/**
 * SignByAsymmetricKey (reference §3.6): sign a RAW message (≤ 4096 B) or a DIGEST (32 B; 48 B for ECDSA384_SHA384)
 * with an Enabled ASYMMETRIC_SIGN_VERIFY_* key; `Signature` is base64 (DER for SM2DSA, ECC_P256_R1 and
 * ECDSA384_SHA384; 256 bytes for RSA-2048, 384 for RSA-3072).
 * Algorithms and the key usage each fits: see keys/signature.ts.
 * Errors: MissingParameter, InvalidParameter (Algorithm, MessageType, Message), InvalidParameterValue.{InvalidKeyId,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}.
 */
import { z } from "zod";
import { loadAsymmetricKey, withPrivateKey } from "../keys/asymmetric-key.js";
import { messageParam } from "../keys/message.js";
import { SIGN_KEY_USAGES, signatureScheme } from "../keys/signature.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const signByAsymmetricKey = defineAction({
  name: "SignByAsymmetricKey",
  schema: z.strictObject({ Algorithm: str, Message: str, KeyId: str, MessageType: str.optional() }),
  async handler(p, ctx) {
    const message = messageParam(p.Message, p.MessageType);
    const k = await loadAsymmetricKey(ctx, p.KeyId, SIGN_KEY_USAGES);
    const scheme = signatureScheme(p.Algorithm, k.key.keyUsage, message);
    const signature = await withPrivateKey(ctx, k, (secret) => scheme.sign(secret));
    return { Signature: encodeBase64(signature) };
  },
});
