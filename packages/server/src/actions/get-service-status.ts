/**
 * GetServiceStatus (reference §3.10): the service is always on for a self-hosted server; reports the CMK and hosted
 * data-key counts and quotas (DataKeyUsedCount counts data keys that are not PendingDelete, as the quota does).
 */
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
      IsAllowedDataKeyHosted: true, DataKeyLimit: ctx.limits.maxDataKeysPerAccount, FreeDataKeyLimit: ctx.limits.maxDataKeysPerAccount,
      DataKeyUsedCount: await ctx.store.countDataKeys(ctx.uin), IsAllowedSync: false,
    };
  },
});
