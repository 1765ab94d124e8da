/**
 * UpdateAlias (reference §3.2): rename a CMK; aliases are unique per account.
 * Errors: MissingParameter, InvalidParameterValue.{InvalidKeyId, InvalidAlias, AliasAlreadyExists},
 * ResourceUnavailable.{CmkNotFound, CmkStateNotSupport (PendingDelete)}.
 */
import { z } from "zod";
import { checkAlias, checkKeyId, loadKey, refuseMemberAccount , storedAs } from "../keys/key-access.js";
import { requireModifiable } from "../keys/key-state.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const updateAlias = defineAction({
  name: "UpdateAlias",
  schema: z.strictObject({ Alias: str, KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const alias = checkAlias(p.Alias);
    await ctx.settleDue(); // a deleted key's alias is free at its DeletionDate
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    requireModifiable(key);
    await ctx.store.updateKey({ ...key, alias }, storedAs(key));
    return {};
  },
});
