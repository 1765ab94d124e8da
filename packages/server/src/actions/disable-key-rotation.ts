/**
 * DisableKeyRotation (reference §3.9): stop automatic rotation. Allowed in every state (it only stops future
 * changes); existing versions stay and still decrypt.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.CmkNotFound,
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const disableKeyRotation = defineAction({
  name: "DisableKeyRotation",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    if (key.rotationEnabled) await ctx.store.updateKey({ ...key, rotationEnabled: false }, storedAs(key));
    return {};
  },
});
