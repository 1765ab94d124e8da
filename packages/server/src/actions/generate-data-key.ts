/**
 * GenerateDataKey (reference §3.4): a fresh DEK of `NumberOfBytes` (1–1024, wins) or `KeySpec` (AES_128 = 16 B,
 * AES_256 = 32 B) bytes, returned in the clear (base64) or encrypted to `EncryptionPublicKey`, and as a CiphertextBlob
 * under the CMK. KMS keeps nothing.
 * Errors: MissingParameter, InvalidParameter (neither/invalid KeySpec/NumberOfBytes, EncryptionContext),
 * InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage, InvalidHsmClusterId}, ResourceUnavailable.{CmkNotFound,
 * CmkDisabled, CmkArchived, KeyPendingDelete, CmkStateNotSupport}, FailedOperation.EncryptionError, UnsupportedOperation
 * (IsHostedByKms=1).
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
import { MAX_DATA_KEY_BYTES } from "../data-keys/data-key-access.js";
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
    if (hosted === 1) throw new KmsError(ErrorCode.UnsupportedOperation, "KMS-hosted data keys (IsHostedByKms=1) are not supported");
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
      return { KeyId: key.keyId, Plaintext: encodeBase64(out), CiphertextBlob: encodeBase64(blob) };
    } finally {
      wipe(dek);
    }
  },
});
