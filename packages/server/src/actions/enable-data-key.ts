/**
 * EnableDataKey (reference §3.12): Disabled → Enabled (Enabled stays Enabled). The data key's CMK must still exist and
 * not be PendingDelete; a data key pending deletion must have its deletion cancelled first.
 * Errors: MissingParameter, InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.{DataKeyNotFound,
 * DataKeyStateNotSupport (PendingDelete), CmkNotFound, CmkStateNotSupport (CMK PendingDelete)}, UnsupportedOperation
 * (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, dataKeyStateAfterEnable, requireCmkKeepsDataKeys, transitionDataKeys } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const enableDataKey = defineAction({
  name: "EnableDataKey",
  schema: z.strictObject({ DataKeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionDataKeys(ctx, [checkDataKeyId(p.DataKeyId)], (dataKey, cmk) => {
      const next = dataKeyStateAfterEnable(dataKey);
      requireCmkKeepsDataKeys(cmk!);
      return next;
    }, true);
    return {};
  },
});
