/**
 * EnableKeyRotation (reference §3.9): rotate the key automatically every `RotateDays` days (7–365, default 365). The
 * schedule (re)starts now: NextRotateTime = now + RotateDays·86400 (Unix seconds); the scheduler rotates the key when
 * that time comes. Calling it again changes RotateDays and restarts the schedule.
 * Errors: MissingParameter, InvalidParameter, InvalidParameterValue (RotateDays out of range),
 * InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage (asymmetric)}, ResourceUnavailable.{CmkNotFound,
 * CmkStateNotSupport (not Enabled)}, UnsupportedOperation.ExternalCmkCanNotRotate, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { requireRotatable } from "../keys/key-state.js";
import { DAY_SECONDS, requireRotatableKind, ROTATE_DAYS } from "../keys/rotation.js";
import { memberAccount, str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const enableKeyRotation = defineAction({
  name: "EnableKeyRotation",
  schema: z.strictObject({ KeyId: str, RotateDays: uint.optional(), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const keyId = checkKeyId(p.KeyId);
    const rotateDays = p.RotateDays ?? ROTATE_DAYS.default;
    if (rotateDays < ROTATE_DAYS.min || rotateDays > ROTATE_DAYS.max) {
      throw new KmsError(ErrorCode.InvalidParameterValue, `RotateDays must be ${ROTATE_DAYS.min}-${ROTATE_DAYS.max}, got ${rotateDays}`);
    }
    const key = await loadKey(ctx, keyId);
    requireRotatableKind(key, ErrorCode.UnsupportedOperationExternalCmkCanNotRotate);
    requireRotatable(key);
    const now = unixSeconds(ctx.clock);
    await ctx.store.updateKey({ ...key, rotationEnabled: true, rotateDays, nextRotateTime: now + rotateDays * DAY_SECONDS }, storedAs(key));
    return {};
  },
});
