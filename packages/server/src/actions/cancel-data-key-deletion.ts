/**
 * CancelDataKeyDeletion (reference §3.12): a PendingDelete data key comes back Disabled and its DeletionDate is
 * cleared — if its CMK still exists and is not itself PendingDelete, and the account is below its data-key quota
 * (PendingDelete data keys do not count). A data key whose DeletionDate has passed is already gone.
 * Errors: MissingParameter, InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.{DataKeyNotFound,
 * DataKeyNotPendingDelete, CmkNotFound, CmkStateNotSupport}, LimitExceeded.DataKeyLimitExceeded, UnsupportedOperation
 * (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, dataKeyStateAfterCancelDeletion, loadDataKey, requireCmkKeepsDataKeys } from "../data-keys/data-key-access.js";
import { ErrorCode, KmsError } from "../errors.js";
import { loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const cancelDataKeyDeletion = defineAction({
  name: "CancelDataKeyDeletion",
  schema: z.strictObject({ DataKeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKey = await loadDataKey(ctx, checkDataKeyId(p.DataKeyId));
    const keyState = dataKeyStateAfterCancelDeletion(dataKey);
    requireCmkKeepsDataKeys(await loadKey(ctx, dataKey.keyId));
    if ((await ctx.store.countDataKeys(ctx.uin)) >= ctx.limits.maxDataKeysPerAccount) {
      throw new KmsError(ErrorCode.LimitExceededDataKeyLimitExceeded, `This account already has ${ctx.limits.maxDataKeysPerAccount} data keys`);
    }
    await ctx.store.updateDataKey({ ...dataKey, keyState, deletionDate: 0 }, dataKey);
    return { DataKeyId: dataKey.dataKeyId };
  },
});
