/** GetServiceStatus (reference §3.10): the service is always on for a self-hosted server; reports key count and quota. */
import { z } from "zod";
import { defineAction } from "./define.js";

export const getServiceStatus = defineAction({
  name: "GetServiceStatus",
  schema: z.strictObject({}),
  async handler(_p, ctx) {
    await ctx.settleDue();
    return {
      ServiceEnabled: true, InvalidType: 1, UserLevel: 0, ProExpireTime: 0, ProRenewFlag: 0, ProResourceId: "",
      ExclusiveVSMEnabled: false, ExclusiveHSMEnabled: false, SubscriptionInfo: "", ExclusiveHSMList: [],
      CmkUserCount: await ctx.store.countKeys(ctx.uin), CmkLimit: ctx.limits.maxKeysPerAccount,
      IsAllowedDataKeyHosted: true, IsAllowedSync: false,
    };
  },
});
