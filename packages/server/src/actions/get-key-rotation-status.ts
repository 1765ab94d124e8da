/**
 * GetKeyRotationStatus (reference §3.9): `KeyRotationEnabled` (boolean). The schedule itself (RotateDays,
 * NextRotateTime, LastRotateTime) is in DescribeKey's KeyMetadata.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.CmkNotFound,
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const getKeyRotationStatus = defineAction({
  name: "GetKeyRotationStatus",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    return { KeyRotationEnabled: key.rotationEnabled };
  },
});
