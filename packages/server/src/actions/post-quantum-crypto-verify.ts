/**
 * PostQuantumCryptoVerify (reference §3.7): ML-DSA-65 (FIPS 204) verification — pure, empty context — of a signature
 * over a message of up to 4096 bytes with an `ASYMMETRIC_SIGN_VERIFY_DILITHIUM` CMK's public key. A signature that
 * does not verify (any bytes, any length) is `SignatureValid: false`, not an error.
 * Errors: MissingParameter, UnknownParameter, InvalidParameter (Message: bad base64, empty, over 4096 bytes;
 * SignatureValue: bad base64), InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (any state but Enabled)}.
 */
import { z } from "zod";
import { ml_dsa65 } from "@openkms/crypto/ml-dsa";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { DILITHIUM_KEY_USAGE, pqcPublicKey, requireEnabled, requireKeyUsage } from "../keys/pqc-keys.js";
import { decodeBase64Strict, str } from "../protocol/params.js";
import { pqcMessageParam } from "../keys/pqc-message.js";
import { defineAction } from "./define.js";

export const postQuantumCryptoVerify = defineAction({
  name: "PostQuantumCryptoVerify",
  schema: z.strictObject({ KeyId: str, SignatureValue: str, Message: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    const signature = decodeBase64Strict(p.SignatureValue);
    if (!signature) throw new KmsError(ErrorCode.InvalidParameter, "SignatureValue must be standard base64 with padding");
    const message = pqcMessageParam(p.Message);
    const key = await loadKey(ctx, keyId);
    requireKeyUsage(key, DILITHIUM_KEY_USAGE);
    requireEnabled(key);
    const publicKey = ml_dsa65.parsePublicKey(await pqcPublicKey(ctx, key));
    return { SignatureValid: ml_dsa65.verify(publicKey, message, signature) };
  },
});
