/**
 * UpdateKeyDescription (reference §3.2): at most 1024 bytes.
 * Errors: MissingParameter, InvalidParameter (too long), InvalidParameterValue.InvalidKeyId,
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (PendingDelete)}.
 */
import { z } from "zod";
import { checkDescription, checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { requireModifiable } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const updateKeyDescription = defineAction({
  name: "UpdateKeyDescription",
  schema: z.strictObject({ Description: str, KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const description = checkDescription(p.Description);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    requireModifiable(key);
    await ctx.store.updateKey({ ...key, description }, storedAs(key));
    return {};
  },
});
