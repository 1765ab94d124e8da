/**
 * DescribeKeys (reference §3.1): KeyMetadata of up to 100 CMKs, in the order asked.
 * Errors: MissingParameter, InvalidParameter (0 or > 100 ids), InvalidParameterValue.{InvalidKeyId, DuplicatedKeyId},
 * ResourceUnavailable.CmkNotFound (any id unknown).
 */
import { z } from "zod";
import { checkKeyIdList, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { keyMetadata } from "../keys/key-metadata.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const describeKeys = defineAction({
  name: "DescribeKeys",
  schema: z.strictObject({ KeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const ids = checkKeyIdList(p.KeyIds);
    const keys = [];
    for (const id of ids) keys.push(keyMetadata(await loadKey(ctx, id)));
    return { KeyMetadatas: keys };
  },
});
