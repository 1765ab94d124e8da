/**
 * SignByAsymmetricKey (reference §3.6): sign a RAW message (≤ 4096 B) or a 32-byte DIGEST with an Enabled
 * ASYMMETRIC_SIGN_VERIFY_* key; `Signature` is base64 (DER for SM2DSA and ECC_P256_R1; 256 bytes for RSA).
 * Algorithms and the key usage each fits: see keys/signature.ts.
 * Errors: MissingParameter, InvalidParameter (Algorithm, MessageType, Message), InvalidParameterValue.{InvalidKeyId,
 * InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}.
 */
import { z } from "zod";
import { loadAsymmetricKey, withPrivateKey } from "../keys/asymmetric-key.js";
import { messageParam } from "../keys/message.js";
import { signatureScheme } from "../keys/signature.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const SIGN_KEY_USAGES = ["ASYMMETRIC_SIGN_VERIFY_SM2", "ASYMMETRIC_SIGN_VERIFY_RSA_2048", "ASYMMETRIC_SIGN_VERIFY_ECC"];

export const signByAsymmetricKey = defineAction({
  name: "SignByAsymmetricKey",
  schema: z.strictObject({ Algorithm: str, Message: str, KeyId: str, MessageType: str.optional() }),
  async handler(p, ctx) {
    const message = messageParam(p.Message, p.MessageType);
    const k = await loadAsymmetricKey(ctx, p.KeyId, SIGN_KEY_USAGES);
    const scheme = signatureScheme(p.Algorithm, k.key.keyUsage);
    const signature = await withPrivateKey(ctx, k, (secret) => scheme.sign(secret, message.bytes, message.type));
    return { Signature: encodeBase64(signature) };
  },
});
