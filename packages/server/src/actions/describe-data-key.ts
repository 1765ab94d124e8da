/**
 * DescribeDataKey (reference §3.12): the DataKeyMetadata of one hosted data key.
 * Errors: MissingParameter, InvalidParameterValue.InvalidDataKeyId, ResourceUnavailable.DataKeyNotFound,
 * UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyId, loadDataKey } from "../data-keys/data-key-access.js";
import { dataKeyMetadataOf } from "../data-keys/data-key-metadata.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const describeDataKey = defineAction({
  name: "DescribeDataKey",
  schema: z.strictObject({ DataKeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const dataKey = await loadDataKey(ctx, checkDataKeyId(p.DataKeyId));
    return { DataKeyMetadata: await dataKeyMetadataOf(ctx, dataKey) };
  },
});
