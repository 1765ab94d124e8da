/**
 * GetParametersForImport (reference §3.8): for an EXTERNAL key, a fresh RSA-2048 wrapping key (`PublicKey`: base64 of
 * SPKI DER, 294 bytes) and an `ImportToken` naming it, valid 24 h (`ParametersValidTo`, Unix seconds). Only the newest
 * parameters of a key are valid: this call destroys the previous wrapping private key. Encrypt the material with
 * `PublicKey` under `WrappingAlgorithm` (e.g. `openssl pkeyutl -encrypt -pubin -keyform DER -pkeyopt
 * rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256`) and pass it to ImportKeyMaterial with the token.
 * Errors: MissingParameter, InvalidParameter (WrappingAlgorithm ∉ RSAES_PKCS1_V1_5 | RSAES_OAEP_SHA_1 |
 * RSAES_OAEP_SHA_256, WrappingKeySpec ≠ RSA_2048), InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound,
 * CmkStateNotSupport (PendingDelete)}, UnsupportedOperation.NotExternalCmk.
 */
import { z } from "zod";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey, requireExternal } from "../keys/key-access.js";
import { requireModifiable } from "../keys/key-state.js";
import { isWrappingAlgorithm, issueImportParameters, WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS } from "../keys/import-token.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getParametersForImport = defineAction({
  name: "GetParametersForImport",
  schema: z.strictObject({ KeyId: str, WrappingAlgorithm: str, WrappingKeySpec: str }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    if (!isWrappingAlgorithm(p.WrappingAlgorithm)) {
      throw new KmsError(ErrorCode.InvalidParameter, `WrappingAlgorithm must be one of ${WRAPPING_ALGORITHMS.join(", ")}, got ${p.WrappingAlgorithm}`);
    }
    const bits = WRAPPING_KEY_SPECS[p.WrappingKeySpec];
    if (bits === undefined) {
      throw new KmsError(ErrorCode.InvalidParameter, `WrappingKeySpec must be one of ${Object.keys(WRAPPING_KEY_SPECS).join(", ")}, got ${p.WrappingKeySpec}`);
    }
    const key = await loadKey(ctx, keyId);
    requireExternal(key);
    requireModifiable(key);
    const issued = await issueImportParameters(ctx, key, p.WrappingAlgorithm, bits, unixSeconds(ctx.clock));
    return {
      KeyId: key.keyId, ImportToken: encodeBase64(issued.token), PublicKey: encodeBase64(issued.publicKey), ParametersValidTo: issued.validTo,
    };
  },
});
