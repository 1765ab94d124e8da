/**
 * ListDataKeys (reference §3.12): DataKeyIds of the account's hosted data keys (every state), newest first.
 * Role 0 (default): every data key; Role 1: only data keys products created (Owner ≠ `user`, e.g. the gateway's).
 * Errors: InvalidParameter (Limit > 200, Role ∉ {0,1}), InvalidParameterValue.InvalidHsmClusterId.
 */
import { z } from "zod";
import { str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";
import { listPage } from "./list-paging.js";

export const listDataKeys = defineAction({
  name: "ListDataKeys",
  schema: z.strictObject({ Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), HsmClusterId: str.optional() }),
  async handler(p, ctx) {
    const page = listPage(p);
    await ctx.settleDue();
    const { total, dataKeys } = await ctx.store.listDataKeys(ctx.uin, { order: "desc", ...page });
    return { DataKeys: dataKeys.map((d) => ({ DataKeyId: d.dataKeyId })), TotalCount: total };
  },
});
