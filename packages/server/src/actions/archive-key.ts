/**
 * ArchiveKey (reference §3.1): an Enabled or Disabled key becomes Archived — it still decrypts (Decrypt, ReEncrypt as
 * the source) but no longer encrypts (`ResourceUnavailable.CmkArchived`). CancelKeyArchive undoes it.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport},
 * UnsupportedOperation.NotUserCreatedCmk (a service default key), UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { stateAfterArchive } from "../keys/key-state.js";
import { isServiceKey } from "../data-keys/service-keys.js";
import { ErrorCode, KmsError } from "../errors.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const archiveKey = defineAction({
  name: "ArchiveKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    if (isServiceKey(key)) {
      throw new KmsError(ErrorCode.UnsupportedOperationNotUserCreatedCmk, `The CMK ${key.keyId} is the service default key of ${key.owner}; only keys users created can be archived`);
    }
    await ctx.store.updateKey({ ...key, keyState: stateAfterArchive(key) }, storedAs(key));
    return {};
  },
});
