/**
 * EnableDataKeys (reference §3.12): EnableDataKey for up to 100 data keys, all or nothing.
 * Errors: MissingParameter, InvalidParameterValue (0 or > 100 ids), InvalidParameterValue.{InvalidDataKeyId,
 * DuplicatedDataKeyId}, ResourceUnavailable.{DataKeyNotFound, DataKeyStateNotSupport, CmkNotFound,
 * CmkStateNotSupport}, UnsupportedOperation (MemberAccount).
 */
import { z } from "zod";
import { checkDataKeyIdList, dataKeyStateAfterEnable, requireCmkKeepsDataKeys, transitionDataKeys } from "../data-keys/data-key-access.js";
import { refuseMemberAccount } from "../keys/key-access.js";
import { memberAccount, str } from "../protocol/params.js";
import { defineAction } from "./define.js";

export const enableDataKeys = defineAction({
  name: "EnableDataKeys",
  schema: z.strictObject({ DataKeyIds: z.array(str), MemberAccount: memberAccount.optional() }),
  async handler(p, ctx) {
    refuseMemberAccount(p.MemberAccount);
    await transitionDataKeys(ctx, checkDataKeyIdList(p.DataKeyIds), (dataKey, cmk) => {
      const next = dataKeyStateAfterEnable(dataKey);
      requireCmkKeepsDataKeys(cmk!);
      return next;
    }, true);
    return {};
  },
});
