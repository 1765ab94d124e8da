/**
 * DisableKey / DisableKeys (reference §3.1): a disabled key neither encrypts nor decrypts. The batch form is all or
 * nothing. Errors: MissingParameter, InvalidParameter, InvalidParameterValue.{InvalidKeyId, DuplicatedKeyId},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport}.
 */
import { z } from "zod";
import { checkKeyId, checkKeyIdList, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { stateAfterDisable } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const disableKey = defineAction({
  name: "DisableKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    await ctx.store.updateKey({ ...key, keyState: stateAfterDisable(key) });
    return {};
  },
});

export const disableKeys = defineAction({
  name: "DisableKeys",
  schema: z.strictObject({ KeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const updated = [];
    for (const id of checkKeyIdList(p.KeyIds)) {
      const key = await loadKey(ctx, id);
      updated.push({ ...key, keyState: stateAfterDisable(key) });
    }
    await ctx.store.updateKeys(updated);
    return {};
  },
});
