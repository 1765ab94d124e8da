/**
 * EnableKey / EnableKeys (reference §3.1). The batch form is all or nothing: every id is checked before any changes.
 * Errors: MissingParameter, InvalidParameter, InvalidParameterValue.{InvalidKeyId, DuplicatedKeyId},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}.
 */
import { z } from "zod";
import { checkKeyId, checkKeyIdList, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterEnable } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const enableKey = defineAction({
  name: "EnableKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    await ctx.store.updateKey({ ...key, keyState: stateAfterEnable(key) });
    return {};
  },
});

export const enableKeys = defineAction({
  name: "EnableKeys",
  schema: z.strictObject({ KeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const updated = [];
    for (const id of checkKeyIdList(p.KeyIds)) {
      const key = await loadKey(ctx, id);
      updated.push({ ...key, keyState: stateAfterEnable(key) });
    }
    await ctx.store.updateKeys(updated);
    return {};
  },
});
