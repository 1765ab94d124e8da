/**
 * ImportDataKey (reference §3.12): make a data key hosted by KMS (Origin EXTERNAL) from
 * - ImportType 1: a CiphertextBlob of a data key made under one of the account's CMKs without EncryptionContext
 *   (GenerateDataKey, GetDataKeyCiphertextBlob); `KeyId`, when given, must name the CMK inside the blob;
 * - ImportType 2: the base64 plaintext data key (1–1024 bytes), sealed under `KeyId` (required).
 * The CMK must be a symmetric, Enabled CMK; the material is stored only sealed under it (data-keys/).
 * Errors: MissingParameter (incl. KeyId for ImportType 2), InvalidParameter, InvalidParameterValue.{InvalidDataKeyName,
 * DataKeyNameAlreadyExists, InvalidType (ImportType ∉ {1,2}), InvalidImportKeyMaterial (blob malformed, altered,
 * bound to a context, of another CMK than KeyId, or not 1–1024 bytes inside), InvalidPlaintext (ImportType 2 material
 * not base64 or not 1–1024 bytes), InvalidKeyId, InvalidKeyUsage, InvalidHsmClusterId, TagKeysDuplicated},
 * InvalidParameterValue (Description > 100 bytes), LimitExceeded.DataKeyLimitExceeded, ResourceUnavailable.{CmkNotFound,
 * CmkDisabled, CmkArchived, KeyPendingDelete, CmkStateNotSupport}.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { createDataKey } from "../data-keys/create-data-key.js";
import { checkDataKeyDescription, checkDataKeyName, MAX_DATA_KEY_BYTES } from "../data-keys/data-key-access.js";
import { loadSealingCmk } from "../data-keys/data-key-material.js";
import { ErrorCode, KmsError, isKmsError } from "../errors.js";
import { decodeBlob } from "../keys/ciphertext-blob.js";
import { checkHsmClusterId, checkKeyId } from "../keys/key-access.js";
import { openBlob } from "../keys/symmetric.js";
import { decodeBase64Strict, str, tag, uint } from "../protocol/params.js";
import { checkTags } from "./create-key.js";
import { defineAction } from "./define.js";

const invalidMaterial = (why: string) => new KmsError(ErrorCode.InvalidParameterValueInvalidImportKeyMaterial, `ImportKeyMaterial is invalid: ${why}`);

export const importDataKey = defineAction({
  name: "ImportDataKey",
  schema: z.strictObject({
    DataKeyName: str, ImportKeyMaterial: str, ImportType: uint, Description: str.optional(), KeyId: str.optional(),
    HsmClusterId: str.optional(), Tags: z.array(tag).optional(),
  }),
  async handler(p, ctx) {
    const name = checkDataKeyName(p.DataKeyName);
    const description = checkDataKeyDescription(p.Description ?? "");
    checkHsmClusterId(p.HsmClusterId);
    const tags = checkTags(p.Tags);
    if (p.ImportType !== 1 && p.ImportType !== 2) {
      throw new KmsError(ErrorCode.InvalidParameterValueInvalidType, `ImportType must be 1 (ciphertext) or 2 (plaintext), got ${p.ImportType}`);
    }
    const givenKeyId = p.KeyId === undefined || p.KeyId === "" ? undefined : checkKeyId(p.KeyId);

    let material: Uint8Array;
    let keyId: string;
    if (p.ImportType === 2) {
      if (!givenKeyId) throw new KmsError(ErrorCode.MissingParameter, "KeyId is required to import a plaintext data key (ImportType 2)");
      keyId = givenKeyId;
      const bytes = decodeBase64Strict(p.ImportKeyMaterial);
      if (!bytes) throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, "ImportKeyMaterial must be standard base64 with padding");
      if (bytes.length < 1 || bytes.length > MAX_DATA_KEY_BYTES) {
        wipe(bytes);
        throw new KmsError(ErrorCode.InvalidParameterValueInvalidPlaintext, `A data key must be 1-${MAX_DATA_KEY_BYTES} bytes, got ${bytes.length}`);
      }
      material = bytes;
      await loadSealingCmk(ctx, keyId).catch((e) => {
        wipe(material);
        throw e;
      });
    } else {
      const blob = decodeBase64Strict(p.ImportKeyMaterial);
      if (!blob || blob.length === 0) throw invalidMaterial("not standard base64 with padding");
      let inner: string;
      try {
        inner = decodeBlob(blob).keyId;
      } catch {
        throw invalidMaterial("not a CiphertextBlob");
      }
      if (givenKeyId && givenKeyId !== inner) throw invalidMaterial(`it was made under another CMK than KeyId ${givenKeyId}`);
      keyId = inner;
      await loadSealingCmk(ctx, keyId);
      try {
        material = (await openBlob(ctx, blob, new Uint8Array(0))).plaintext;
      } catch (e) {
        if (isKmsError(e) && e.kmsErrorCode === ErrorCode.InvalidParameterValueInvalidCiphertext) {
          throw invalidMaterial("it does not decrypt (altered, or made with an EncryptionContext)");
        }
        throw e;
      }
      if (material.length < 1 || material.length > MAX_DATA_KEY_BYTES) {
        wipe(material);
        throw invalidMaterial(`a data key must be 1-${MAX_DATA_KEY_BYTES} bytes, this one is ${material.length}`);
      }
    }
    try {
      const cmk = await loadSealingCmk(ctx, keyId);
      const dataKey = await createDataKey(ctx, { cmk, name, description, material, origin: "EXTERNAL", tags });
      return { KeyId: cmk.keyId, DataKeyId: dataKey.dataKeyId, TagCode: 0, TagMsg: tags.length ? "ok" : "no tags to save" };
    } finally {
      wipe(material);
    }
  },
});
