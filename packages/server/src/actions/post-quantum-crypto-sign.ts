/**
 * PostQuantumCryptoSign (reference §3.7): ML-DSA-65 (FIPS 204) signature of a message of up to 4096 bytes with an
 * `ASYMMETRIC_SIGN_VERIFY_DILITHIUM` CMK — pure ML-DSA.Sign, empty context, hedged (SPEC §2). `Signature` is base64
 * of the 3309-byte signature; verify it with PostQuantumCryptoVerify or locally with GetPublicKey's key.
 * Errors: MissingParameter, UnknownParameter, InvalidParameter (Message: bad base64, empty, over 4096 bytes),
 * InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (any
 * state but Enabled)}.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { ml_dsa65 } from "@openkms/crypto/ml-dsa";
import { checkKeyId, loadKey } from "../keys/key-access.js";
import { DILITHIUM_KEY_USAGE, requireEnabled, requireKeyUsage, withPqcSeed } from "../keys/pqc-keys.js";
import { encodeBase64, str } from "../protocol/params.js";
import { pqcMessageParam } from "../keys/pqc-message.js";
import { defineAction } from "./define.js";

export const postQuantumCryptoSign = defineAction({
  name: "PostQuantumCryptoSign",
  schema: z.strictObject({ Message: str, KeyId: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    const message = pqcMessageParam(p.Message);
    const key = await loadKey(ctx, keyId);
    requireKeyUsage(key, DILITHIUM_KEY_USAGE);
    requireEnabled(key);
    const signature = await withPqcSeed(ctx, key, (seed) => {
      const { publicKey, secretKey } = ml_dsa65.keygen(seed);
      try {
        return ml_dsa65.sign(secretKey, message);
      } finally {
        wipe(secretKey, publicKey);
      }
    });
    return { Signature: encodeBase64(signature) };
  },
});
