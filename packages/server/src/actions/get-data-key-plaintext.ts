/**
 * GetDataKeyPlaintext (reference §3.12): the plaintext of a hosted data key (its current version), base64, or
 * encrypted to `EncryptionPublicKey` (keys/rewrap.ts). Released only while the data key is Enabled and its CMK is
 * Enabled: disabling, archiving or deleting the CMK withholds every data key under it.
 * Errors: MissingParameter, InvalidParameter (EncryptionAlgorithm), InvalidParameterValue.InvalidDataKeyId,
 * ResourceUnavailable.{DataKeyNotFound, DataKeyDisabled, DataKeyPendingDelete, CmkNotFound, CmkDisabled,
 * CmkStateNotSupport (Archived, PendingDelete, PendingImport)}, FailedOperation.EncryptionError.
 */
import { z } from "zod";
import { wipe } from "@openkms/crypto/constant-time";
import { checkDataKeyId, loadDataKey } from "../data-keys/data-key-access.js";
import { openDataKeyVersion } from "../data-keys/data-key-material.js";
import { plaintextForCaller, rewrapRequest } from "../keys/rewrap.js";
import { encodeBase64, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getDataKeyPlaintext = defineAction({
  name: "GetDataKeyPlaintext",
  schema: z.strictObject({ DataKeyId: str, EncryptionPublicKey: str.optional(), EncryptionAlgorithm: str.optional() }),
  async handler(p, ctx) {
    const dataKeyId = checkDataKeyId(p.DataKeyId);
    const rewrap = rewrapRequest(p.EncryptionPublicKey, p.EncryptionAlgorithm); // validated before opening
    const dataKey = await loadDataKey(ctx, dataKeyId);
    const plaintext = await openDataKeyVersion(ctx, dataKey);
    try {
      return { Plaintext: encodeBase64(plaintextForCaller(plaintext, rewrap)) };
    } finally {
      wipe(plaintext);
    }
  },
});
