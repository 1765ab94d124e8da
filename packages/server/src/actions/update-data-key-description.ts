/**
 * UpdateDataKeyDescription (reference §3.12): replace a hosted data key's description (at most 100 UTF-8 bytes).
 * Refused while the data key is PendingDelete.
 * Errors: MissingParameter, InvalidParameterValue (longer than 100 bytes), InvalidParameterValue.InvalidDataKeyId,
 * ResourceUnavailable.{DataKeyNotFound, DataKeyStateNotSupport}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyDescription, checkDataKeyId, loadDataKey, requireDataKeyModifiable } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const updateDataKeyDescription = defineAction({
  name: "UpdateDataKeyDescription",
  schema: z.strictObject({ DataKeyId: str, Description: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKeyId = checkDataKeyId(p.DataKeyId);
    const description = checkDataKeyDescription(p.Description);
    const dataKey = await loadDataKey(ctx, dataKeyId);
    requireDataKeyModifiable(dataKey);
    await ctx.store.updateDataKey({ ...dataKey, description }, dataKey);
    return {};
  },
});
