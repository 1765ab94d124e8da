/**
 * CancelKeyArchive (reference §3.1): an Archived key becomes Enabled.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.{CmkNotFound, CmkStateNotSupport
 * (not Archived)}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { stateAfterCancelArchive } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const cancelKeyArchive = defineAction({
  name: "CancelKeyArchive",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    await ctx.store.updateKey({ ...key, keyState: stateAfterCancelArchive(key) }, storedAs(key));
    return {};
  },
});
