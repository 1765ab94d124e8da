/** GetRegions (reference §3.10): the one region this server serves (`--region`). */
import { z } from "zod";
import { defineAction } from "./define.js";

export const getRegions = defineAction({
  name: "GetRegions",
  schema: z.strictObject({}),
  async handler(_p, ctx) {
    return { Regions: [ctx.region] };
  },
});
