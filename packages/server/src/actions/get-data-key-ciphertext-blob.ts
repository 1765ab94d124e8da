/**
 * GetDataKeyCiphertextBlob (reference §3.12): the hosted data key sealed under its CMK — a CiphertextBlob
 * (docs/ciphertext-blob.md, no EncryptionContext) that Decrypt opens while the CMK allows it and ImportDataKey
 * (ImportType 1) takes back. Refused for a data key pending deletion.
 * Errors: MissingParameter, InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.{DataKeyNotFound,
 * DataKeyStateNotSupport (PendingDelete)}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, loadDataKey } from "../data-keys/data-key-access.js";
import { dataKeyVersion } from "../data-keys/data-key-material.js";
import { ErrorCode, KmsError } from "../errors.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { encodeBase64, memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getDataKeyCiphertextBlob = defineAction({
  name: "GetDataKeyCiphertextBlob",
  schema: z.strictObject({ DataKeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKey = await loadDataKey(ctx, checkDataKeyId(p.DataKeyId));
    if (dataKey.keyState === "PendingDelete") {
      throw new KmsError(ErrorCode.ResourceUnavailableDataKeyStateNotSupport, `The data key ${dataKey.dataKeyId} is pending deletion`);
    }
    const v = await dataKeyVersion(ctx, dataKey, dataKey.currentVersion);
    return { CiphertextBlob: encodeBase64(v.ciphertextBlob) };
  },
});
