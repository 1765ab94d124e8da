/**
 * UpdateDataKeyName (reference §3.12): rename a hosted data key (names are unique in the account). Refused while the
 * data key is PendingDelete.
 * Errors: MissingParameter, InvalidParameterValue.{InvalidDataKeyId, InvalidDataKeyName, DataKeyNameAlreadyExists},
 * ResourceUnavailable.{DataKeyNotFound, DataKeyStateNotSupport}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, checkDataKeyName, loadDataKey, requireDataKeyModifiable } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const updateDataKeyName = defineAction({
  name: "UpdateDataKeyName",
  schema: z.strictObject({ DataKeyId: str, DataKeyName: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKeyId = checkDataKeyId(p.DataKeyId);
    const name = checkDataKeyName(p.DataKeyName);
    await ctx.settleDue(); // a data key past its DeletionDate no longer holds its name
    const dataKey = await loadDataKey(ctx, dataKeyId);
    requireDataKeyModifiable(dataKey);
    await ctx.store.updateDataKey({ ...dataKey, name }, dataKey);
    return {};
  },
});
