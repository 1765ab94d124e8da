/**
 * ListDataKeys (reference §3.12): DataKeyIds of the account's hosted data keys (every state), newest first.
 * Role 0 (default): every data key; Role 1: only data keys products created (Owner ≠ `user`, e.g. the gateway's).
 * Errors: InvalidParameter (Limit > 200, Role ∉ {0,1}), InvalidParameterValue.InvalidHsmClusterId.
 */
import { z } from "zod";
import { checkHsmClusterId } from "../keys/key-access.js";
import { str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";
import { checkRole, paging } from "./list-paging.js";

export const listDataKeys = defineAction({
  name: "ListDataKeys",
  schema: z.strictObject({ Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), HsmClusterId: str.optional() }),
  async handler(p, ctx) {
    const page = paging(p.Offset, p.Limit);
    const role = checkRole(p.Role);
    checkHsmClusterId(p.HsmClusterId);
    await ctx.settleDue();
    const { total, dataKeys } = await ctx.store.listDataKeys(ctx.uin, { serviceOnly: role === 1, order: "desc", ...page });
    return { DataKeys: dataKeys.map((d) => ({ DataKeyId: d.dataKeyId })), TotalCount: total };
  },
});
