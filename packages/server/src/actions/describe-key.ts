/**
 * DescribeKey (reference §3.1): one CMK's KeyMetadata.
 * Errors: MissingParameter, InvalidParameterValue.InvalidKeyId, ResourceUnavailable.CmkNotFound, UnsupportedOperation.
 */
import { z } from "zod";
import { checkKeyId, loadKey, refuseMemberAccount } from "../keys/key-access.js";
import { keyMetadata } from "../keys/key-metadata.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const describeKey = defineAction({
  name: "DescribeKey",
  schema: z.strictObject({ KeyId: str, MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    const key = await loadKey(ctx, checkKeyId(p.KeyId));
    return { KeyMetadata: keyMetadata(key) };
  },
});
