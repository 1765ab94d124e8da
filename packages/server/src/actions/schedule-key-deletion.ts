/**
 * ScheduleKeyDeletion (reference §3.1): a Disabled (or PendingImport) key becomes PendingDelete; the scheduler destroys
 * it, for good, at `DeletionDate` = now + PendingWindowInDays·86400 (Unix seconds). Until then CancelKeyDeletion
 * brings it back.
 * Errors: MissingParameter, InvalidParameter, InvalidParameter.InvalidPendingWindowInDays (∉ 7–30),
 * InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkShouldBeDisabled (Enabled, Archived),
 * CmkStateNotSupport (already PendingDelete)}, FailedOperation.CmkUsedByCloudProduct (a service default key, or a key
 * bound to a cloud resource — checked before its state), UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { stateAfterScheduleDeletion } from "../keys/key-state.js";
import { DAY_SECONDS } from "../keys/rotation.js";
import { int, memberAccount, str } from "../protocol/params.js";
import { requireUnbound } from "../data-keys/cloud-bindings.js";
import { requireNotServiceKey } from "../data-keys/service-keys.js";
import { defineAction } from "./define.js";

/** `PendingWindowInDays`: days between scheduling and destruction. */
export const PENDING_WINDOW_DAYS = Object.freeze({ min: 7, max: 30 });

export const scheduleKeyDeletion = defineAction({
  name: "ScheduleKeyDeletion",
  schema: z.strictObject({ KeyId: str, PendingWindowInDays: int, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const keyId = checkKeyId(p.KeyId);
    const days = p.PendingWindowInDays;
    if (days < PENDING_WINDOW_DAYS.min || days > PENDING_WINDOW_DAYS.max) {
      throw new KmsError(ErrorCode.InvalidParameterInvalidPendingWindowInDays, `PendingWindowInDays must be ${PENDING_WINDOW_DAYS.min}-${PENDING_WINDOW_DAYS.max}, got ${days}`);
    }
    const key = await loadKey(ctx, keyId);
    requireNotServiceKey(key, "scheduled for deletion");
    await requireUnbound(ctx, key);
    const keyState = stateAfterScheduleDeletion(key);
    const deletionDate = unixSeconds(ctx.clock) + days * DAY_SECONDS;
    await ctx.store.updateKey({ ...key, keyState, deletionDate }, storedAs(key));
    return { KeyId: key.keyId, DeletionDate: deletionDate };
  },
});
