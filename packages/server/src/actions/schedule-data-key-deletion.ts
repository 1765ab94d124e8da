/**
 * ScheduleDataKeyDeletion (reference §3.12): a Disabled data key becomes PendingDelete; the scheduler destroys it (its
 * record and every version) at `DeletionDate` = now + PendingWindowInDays·86400 (Unix seconds). Like a CMK, an
 * Enabled data key must be disabled first. CancelDataKeyDeletion brings it back until then.
 * Errors: MissingParameter, InvalidParameter, InvalidParameter.InvalidPendingWindowInDays (∉ 7–30),
 * InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.{DataKeyNotFound, DataKeyStateNotSupport (Enabled,
 * already PendingDelete)}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { unixSeconds } from "../clock.js";
import { checkDataKeyId, dataKeyStateAfterScheduleDeletion, loadDataKey } from "../data-keys/data-key-access.js";
import { ErrorCode, KmsError } from "../errors.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { DAY_SECONDS } from "../keys/rotation.js";
import { int, memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";
import { PENDING_WINDOW_DAYS } from "./schedule-key-deletion.js";

export const scheduleDataKeyDeletion = defineAction({
  name: "ScheduleDataKeyDeletion",
  schema: z.strictObject({ DataKeyId: str, PendingWindowInDays: int, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKeyId = checkDataKeyId(p.DataKeyId);
    const days = p.PendingWindowInDays;
    if (days < PENDING_WINDOW_DAYS.min || days > PENDING_WINDOW_DAYS.max) {
      throw new KmsError(ErrorCode.InvalidParameterInvalidPendingWindowInDays, `PendingWindowInDays must be ${PENDING_WINDOW_DAYS.min}-${PENDING_WINDOW_DAYS.max}, got ${days}`);
    }
    const dataKey = await loadDataKey(ctx, dataKeyId);
    const keyState = dataKeyStateAfterScheduleDeletion(dataKey);
    const deletionDate = unixSeconds(ctx.clock) + days * DAY_SECONDS;
    await ctx.store.updateDataKey({ ...dataKey, keyState, deletionDate }, dataKey);
    return { DeletionDate: deletionDate, DataKeyId: dataKey.dataKeyId };
  },
});
