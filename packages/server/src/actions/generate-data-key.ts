/**
 * GenerateDataKey (reference §3.4): a fresh DEK of `NumberOfBytes` (1–1024, wins) or `KeySpec` (AES_128 = 16 B,
 * AES_256 = 32 B) bytes, returned in the clear (base64) or encrypted to `EncryptionPublicKey`, and as a CiphertextBlob
 * under the CMK (bound to `EncryptionContext` when given). With `IsHostedByKms` 1 KMS also keeps it as a hosted data
 * key named `DataKeyName` (reference §3.12; stored only sealed under the CMK, without the context) and returns its
 * `DataKeyId`, with `Description` (≤ 100 bytes) and `Tags` (TagCode/TagMsg); otherwise KMS keeps nothing.
 * Errors: MissingParameter, InvalidParameter (neither/invalid KeySpec/NumberOfBytes, IsHostedByKms ∉ {0,1},
 * EncryptionContext), InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage, InvalidHsmClusterId, InvalidDataKeyName
 * (hosted without or with a malformed DataKeyName), DataKeyNameAlreadyExists, TagKeysDuplicated},
 * InvalidParameterValue (Description > 100 bytes), LimitExceeded.DataKeyLimitExceeded, ResourceUnavailable.{CmkNotFound,
 * CmkDisabled, CmkArchived, KeyPendingDelete, CmkStateNotSupport}, FailedOperation.EncryptionError.
 */
import { z } from "zod";
import { randomBytes } from "@openkms/crypto/random";
import { wipe } from "@openkms/crypto/constant-time";
import { ErrorCode, KmsError } from "../errors.js";
import { canonicalEncryptionContext } from "../keys/encryption-context.js";
import { checkHsmClusterId, checkKeyId, loadKey, requireEncryptable, requireSymmetric } from "../keys/key-access.js";
import { plaintextForCaller, rewrapRequest } from "../keys/rewrap.js";
import { sealUnderKey } from "../keys/symmetric.js";
import { encodeBase64, str, tag, uint } from "../protocol/params.js";
import { checkDataKeyDescription, checkDataKeyName, MAX_DATA_KEY_BYTES } from "../data-keys/data-key-access.js";
import { createDataKey } from "../data-keys/create-data-key.js";
import type { Tag } from "../store/types.js";
import { checkTags } from "./create-key.js";
import { defineAction } from "./define.js";

export { MAX_DATA_KEY_BYTES };

const KEY_SPECS: Record<string, number> = { AES_128: 16, AES_256: 32 };

export const generateDataKey = defineAction({
  name: "GenerateDataKey",
  schema: z.strictObject({
    KeyId: str, KeySpec: str.optional(), NumberOfBytes: uint.optional(), EncryptionContext: str.optional(),
    EncryptionPublicKey: str.optional(), EncryptionAlgorithm: str.optional(), IsHostedByKms: uint.optional(),
    DataKeyName: str.optional(), Description: str.optional(), HsmClusterId: str.optional(), Tags: z.array(tag).optional(),
  }),
  async handler(p, ctx) {
    const keyId = checkKeyId(p.KeyId);
    let length: number;
    if (p.NumberOfBytes !== undefined) {
      if (p.NumberOfBytes < 1 || p.NumberOfBytes > MAX_DATA_KEY_BYTES) {
        throw new KmsError(ErrorCode.InvalidParameter, `NumberOfBytes must be 1-${MAX_DATA_KEY_BYTES}, got ${p.NumberOfBytes}`);
      }
      length = p.NumberOfBytes;
    } else if (p.KeySpec !== undefined) {
      const n = KEY_SPECS[p.KeySpec];
      if (n === undefined) throw new KmsError(ErrorCode.InvalidParameter, `KeySpec must be AES_128 or AES_256, got ${p.KeySpec}`);
      length = n;
    } else {
      throw new KmsError(ErrorCode.InvalidParameter, "Either KeySpec or NumberOfBytes must be given");
    }
    const hosted = p.IsHostedByKms ?? 0;
    if (hosted !== 0 && hosted !== 1) throw new KmsError(ErrorCode.InvalidParameter, `IsHostedByKms must be 0 or 1, got ${hosted}`);
    let hostedAs: { name: string; description: string; tags: Tag[] } | undefined;
    if (hosted === 1) {
      if (p.DataKeyName === undefined || p.DataKeyName === "") {
        throw new KmsError(ErrorCode.InvalidParameterValueInvalidDataKeyName, "DataKeyName is required when IsHostedByKms is 1");
      }
      hostedAs = { name: checkDataKeyName(p.DataKeyName), description: checkDataKeyDescription(p.Description ?? ""), tags: checkTags(p.Tags) };
    }
    checkHsmClusterId(p.HsmClusterId);
    const context = canonicalEncryptionContext(p.EncryptionContext);
    const rewrap = rewrapRequest(p.EncryptionPublicKey, p.EncryptionAlgorithm); // validated before generating
    const key = await loadKey(ctx, keyId);
    requireSymmetric(key);
    requireEncryptable(key, "KeyPendingDelete");

    const dek = randomBytes(length);
    try {
      const blob = await sealUnderKey(ctx, key, dek, context);
      const out = plaintextForCaller(dek, rewrap);
      const response: Record<string, unknown> = { KeyId: key.keyId, Plaintext: encodeBase64(out), CiphertextBlob: encodeBase64(blob) };
      if (hostedAs) {
        const dataKey = await createDataKey(ctx, { cmk: key, ...hostedAs, material: dek, origin: "TENCENT_KMS" });
        Object.assign(response, { DataKeyId: dataKey.dataKeyId, TagCode: 0, TagMsg: hostedAs.tags.length ? "ok" : "no tags to save" });
      }
      return response;
    } finally {
      wipe(dek);
    }
  },
});
