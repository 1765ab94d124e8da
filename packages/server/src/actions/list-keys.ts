/**
 * ListKeys (reference §3.1): KeyIds of the account's CMKs in Enabled, Disabled and PendingImport states, newest first.
 * Role 0 (default): every key, service default keys included; Role 1: only service default keys (data-keys/service-keys.ts).
 * Errors: InvalidParameter (Limit > 200, Role ∉ {0,1}), InvalidParameterValue.InvalidHsmClusterId.
 */
import { z } from "zod";
import { str, uint } from "../protocol/params.js";
import { defineAction } from "./define.js";
import { listPage } from "./list-paging.js";

export const listKeys = defineAction({
  name: "ListKeys",
  schema: z.strictObject({ Offset: uint.optional(), Limit: uint.optional(), Role: uint.optional(), HsmClusterId: str.optional() }),
  async handler(p, ctx) {
    const page = listPage(p);
    await ctx.settleDue();
    const { total, keys } = await ctx.store.listKeys(ctx.uin, { states: ["Enabled", "Disabled", "PendingImport"], order: "desc", ...page });
    return { Keys: keys.map((k) => ({ KeyId: k.keyId })), TotalCount: total };
  },
});
