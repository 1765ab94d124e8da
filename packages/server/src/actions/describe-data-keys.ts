/**
 * DescribeDataKeys (reference §3.12): DataKeyMetadata of up to 100 hosted data keys, in the order asked.
 * Errors: MissingParameter, InvalidParameterValue (0 or > 100 ids), InvalidParameterValue.{InvalidDataKeyId,
 * DuplicatedDataKeyId}, ResourceUnavailable.DataKeyNotFound (any id unknown), UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyIdList, loadDataKey } from "../data-keys/data-key-access.js";
import { dataKeyMetadataOf } from "../data-keys/data-key-metadata.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const describeDataKeys = defineAction({
  name: "DescribeDataKeys",
  schema: z.strictObject({ DataKeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const out = [];
    for (const id of checkDataKeyIdList(p.DataKeyIds)) out.push(await dataKeyMetadataOf(ctx, await loadDataKey(ctx, id)));
    return { DataKeyMetadatas: out };
  },
});
