/**
 * ImportKeyMaterial (reference §3.8): import the material of an EXTERNAL key, encrypted to the wrapping key of
 * GetParametersForImport: 16 bytes in the `sm` edition (SM4), 32 bytes in `fips` (AES-256). The key becomes Enabled.
 * Only PendingImport and Enabled keys accept material, and only the material first imported into the key
 * (re-importing it after DeleteImportedKeyMaterial or expiry brings every old ciphertext back; re-importing it into
 * an Enabled key sets a new ValidTo). `ValidTo`: 0 or absent = never expires; else Unix seconds > now and
 * ≤ 2147443200. Every check happens before anything is written, and the write is one transaction: a failed import
 * leaves the key exactly as it was.
 * Errors: MissingParameter, InvalidParameter (malformed ImportToken, ValidTo out of range),
 * InvalidParameter.DecryptMaterialError (EncryptedKeyMaterial not base64, not 256 bytes, not decrypting under the
 * token's wrapping key and algorithm, or not the edition's material length), InvalidParameterValue.{InvalidKeyId,
 * MaterialNotMatch}, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport, TokenExpired (expired, superseded, or of
 * another key)}, UnsupportedOperation.NotExternalCmk.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { currentImportParameters, decodeImportToken } from "../keys/import-token.js";
import { EXTERNAL_KEY_VERSION, materialCheck, materialCheckLabel, sameMaterialCheck, unwrapEncryptedMaterial } from "../keys/imported-material.js";
import { checkKeyId, loadKey, requireExternal, storedAs } from "../keys/key-access.js";
import { stateAfterImport } from "../keys/key-state.js";
import { materialLabel } from "../keys/symmetric.js";
import { str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";

/** Latest `ValidTo` accepted (reference §3.8), Unix seconds. */
export const MAX_VALID_TO = 2147443200;

export const importKeyMaterial = defineAction({
  name: "ImportKeyMaterial",
  schema: z.strictObject({ EncryptedKeyMaterial: str, ImportToken: str, KeyId: str, ValidTo: uint.optional() }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    const now = unixSeconds(ctx.clock);
    const validTo = p.ValidTo ?? 0;
    if (validTo !== 0 && (validTo <= now || validTo > MAX_VALID_TO)) {
      throw new KmsError(ErrorCode.InvalidParameter, `ValidTo must be 0 (never expires) or a Unix time after now (${now}) and at most ${MAX_VALID_TO}, got ${validTo}`);
    }
    const token = decodeImportToken(p.ImportToken);
    const key = await loadKey(ctx, keyId);
    requireExternal(key);
    const keyState = stateAfterImport(key);
    const params = await currentImportParameters(ctx, key, token, now);
    const material = unwrapEncryptedMaterial(ctx.root, params, p.EncryptedKeyMaterial, ctx.profile.materialLength);
    const check = materialCheck(material, key.keyId);
    try {
      await ctx.store.importMaterial(
        { ...key, keyState, validTo },
        {
          keyId: key.keyId, version: EXTERNAL_KEY_VERSION, algorithm: ctx.profile.symmetricAlgorithm,
          wrappedMaterial: ctx.root.wrap(material, materialLabel(key.keyId, EXTERNAL_KEY_VERSION)), publicKey: new Uint8Array(0), createTime: now,
        },
        ctx.root.wrap(check, materialCheckLabel(key.keyId)),
        (stored) => sameMaterialCheck(ctx.root, key.keyId, stored, check),
        storedAs(key),
      );
    } finally {
      wipe(material, check);
    }
    return {};
  },
});
