/**
 * RotateKey (reference §3.9): rotate now — a new key version with fresh material becomes current; LastRotateTime =
 * now, NextRotateTime = now + RotateDays·86400. At most once per 24 h per key (any rotation counts). As Tencent
 * documents (`UnsupportedOperation.RotateNotSupported`: "rotation not enabled, external key"), only keys with rotation
 * enabled can be rotated on demand. Rotation is synchronous; `FailedOperation.RotateTaskRunning` means another
 * request or node rotated or changed the key between our read and our write. `TaskId` is a fresh UUID naming this
 * rotation.
 * Errors: MissingParameter, InvalidParameterValue.{InvalidKeyId, InvalidKeyUsage}, ResourceUnavailable.{CmkNotFound,
 * CmkStateNotSupport (not Enabled)}, UnsupportedOperation.RotateNotSupported (EXTERNAL, rotation not enabled),
 * RequestLimitExceeded.RotateRateLimited, FailedOperation.RotateTaskRunning, UnsupportedOperation (MemberAccount).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { unixSeconds } from "../clock.js";
import { ErrorCode, KmsError } from "../errors.js";
import { checkKeyId, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { requireRotatable } from "../keys/key-state.js";
import { ON_DEMAND_ROTATION_INTERVAL_SECONDS, requireRotatableKind, rotateKeyNow } from "../keys/rotation.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const rotateKey = defineAction({
  name: "RotateKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    requireRotatableKind(key, ErrorCode.UnsupportedOperationRotateNotSupported);
    requireRotatable(key);
    if (!key.rotationEnabled) {
      throw new KmsError(ErrorCode.UnsupportedOperationRotateNotSupported, `Key rotation is not enabled for the CMK ${key.keyId}; call EnableKeyRotation first`);
    }
    const now = unixSeconds(ctx.clock);
    if (key.lastRotateTime > 0 && now - key.lastRotateTime < ON_DEMAND_ROTATION_INTERVAL_SECONDS) {
      throw new KmsError(
        ErrorCode.RequestLimitExceededRotateRateLimited,
        `The CMK ${key.keyId} was rotated at ${key.lastRotateTime}; it can be rotated again from ${key.lastRotateTime + ON_DEMAND_ROTATION_INTERVAL_SECONDS}`,
      );
    }
    if (!(await rotateKeyNow(ctx, key, now))) {
      throw new KmsError(ErrorCode.FailedOperationRotateTaskRunning, `The CMK ${key.keyId} was rotated or changed by another request meanwhile; try again`);
    }
    return { TaskId: randomUUID() };
  },
});
